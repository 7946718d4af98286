// The local machine as the commands find it: whether a folder can be written (asked before the work
// starts) and where temp folders go. Ground floor: imports nothing above errors and the logger.
export { requireWritable, whyUnwritable, type Unwritable } from './folders.js';
export { tempRoot } from './temp.js';

// The local machine as the commands find it: whether a folder can be written (asked before the work
// starts), where temp folders go, and which of them killed runs left (owner pid + start time).
// Ground floor: imports nothing above errors and the logger.
export { requireWritable, whyUnwritable, type Unwritable } from './folders.js';
export { tempRoot } from './temp.js';
export { ownerIsGone, ownerTag, thisProcess, type Owner } from './owner.js';
export { removeLeftoverFolders, tempFolderPrefix, type Leftover } from './leftovers.js';

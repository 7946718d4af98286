import { describe, expect, it } from 'vitest';
import {
  buildTags,
  escapeTagValue,
  parseTagsFile,
  sanitizeTagValue,
  serializeTags,
} from '../../src/mercure/tags-file.js';
import { runPython } from './python.js';

/** The key order of shared/mercure-contract.md, copied as written there. */
const CONTRACT_ORDER = [
  'SpecificCharacterSet',
  'SeriesInstanceUID',
  'SOPInstanceUID',
  'SenderAddress',
  'SenderAET',
  'ReceiverAET',
  'Modality',
  'BodyPartExamined',
  'ProtocolName',
  'RetrieveAETitle',
  'StationAETitle',
  'Manufacturer',
  'ManufacturerModelName',
  'StudyDescription',
  'CodeValue',
  'CodeMeaning',
  'SeriesDescription',
  'PatientName',
  'PatientID',
  'PatientBirthDate',
  'PatientSex',
  'AccessionNumber',
  'ReferringPhysicianName',
  'StudyID',
  'SeriesNumber',
  'StudyInstanceUID',
  'SeriesDate',
  'SeriesTime',
  'AcquisitionDate',
  'AcquisitionTime',
  'SequenceName',
  'ScanningSequence',
  'SequenceVariant',
  'MagneticFieldStrength',
  'StationName',
  'DeviceSerialNumber',
  'DeviceUID',
  'SoftwareVersions',
  'ContrastBolusAgent',
  'ImageComments',
  'SliceThickness',
  'InstanceNumber',
  'AcquisitionNumber',
  'InstitutionName',
  'AcquisitionType',
  'ImageType',
  'MediaStorageSOPClassUID',
];

const PEER = { senderAddress: '10.0.0.7', senderAet: 'CT01', receiverAet: 'MERCURE' };

describe('buildTags', () => {
  it('writes every key of the contract in its order, missing tags as "", Filename last', () => {
    const tags = buildTags({
      values: { Modality: 'CT', SeriesInstanceUID: '1.2.3' },
      filename: 'CT.X.1.2.3.4',
      ...PEER,
    });
    expect(Object.keys(tags)).toEqual([...CONTRACT_ORDER, 'Filename']);
    expect(tags).toMatchObject({
      Modality: 'CT',
      SeriesInstanceUID: '1.2.3',
      PatientName: '',
      SenderAddress: '10.0.0.7',
      SenderAET: 'CT01',
      Filename: 'CT.X.1.2.3.4',
    });
    expect(Object.values(tags).every((v) => typeof v === 'string')).toBe(true);
  });

  it('puts extra tags after MediaStorageSOPClassUID and before Filename, once each', () => {
    const tags = buildTags({
      values: { PatientAge: '042Y', '(0019,10a1)': '7', Modality: 'MR' },
      filename: 'MR.X.9',
      ...PEER,
      extraTags: ['PatientAge', '(0019,10a1)', 'Modality', 'PatientAge'],
    });
    expect(Object.keys(tags).slice(-4)).toEqual(['MediaStorageSOPClassUID', 'PatientAge', '(0019,10a1)', 'Filename']);
    expect(tags['PatientAge']).toBe('042Y');
  });

  it('takes the peer values from the receiver, not from DICOM tags of the same name', () => {
    const tags = buildTags({ values: { SenderAET: 'FROM_FILE' }, filename: 'x', ...PEER });
    expect(tags['SenderAET']).toBe('CT01');
  });
});

describe('sanitizeTagValue (getdcmtags readTag)', () => {
  it.each([
    ['tag01 plain', 'DOE^JOHN', 'DOE^JOHN'],
    ['tag02 CR -> ;', 'line1\rline2', 'line1;line2'],
    ['tag03 LF -> space', 'line1\nline2', 'line1 line2'],
    ['tag04 CRLF', 'a\r\nb', 'a; b'],
    ['tag05 double quote -> single', 'the "big" one', "the 'big' one"],
    ['tag06 multi-value backslash kept', 'ORIGINAL\\PRIMARY\\AXIAL', 'ORIGINAL\\PRIMARY\\AXIAL'],
    ['tag07 tab kept (escaped later)', 'a\tb', 'a\tb'],
    ['tag08 non-ASCII kept', 'Müller^Jörg', 'Müller^Jörg'],
  ])('%s', (_name, input, output) => {
    expect(sanitizeTagValue(input)).toBe(output);
  });
});

describe('escapeTagValue (getdcmtags escapeJSONValue)', () => {
  it.each([
    ['esc01 backslash as \\u005c', 'A\\B', 'A\\u005cB'],
    ['esc02 tab', 'a\tb', 'a\\u0009b'],
    ['esc03 NUL and 0x1f', '\u0000\u001f', '\\u0000\\u001f'],
    ['esc04 quote (only reachable in keys)', '"', '\\u0022'],
    ['esc05 DEL and non-ASCII raw', '\u007fü日😀', '\u007fü日😀'],
  ])('%s', (_name, input, output) => {
    expect(escapeTagValue(input)).toBe(output);
  });
});

describe('serializeTags', () => {
  const tags = buildTags({
    values: {
      ImageType: 'ORIGINAL\\PRIMARY',
      PatientName: 'Müller^"Jörg"',
      ImageComments: 'first\r\nsecond\tthird',
      StudyDescription: '山田 😀',
    },
    filename: 'CT.X.1',
    ...PEER,
  });
  const text = serializeTags(tags);

  it('lays the file out line by line as getdcmtags prints it', () => {
    const lines = text.split('\n');
    expect(lines[0]).toBe('{');
    expect(lines[1]).toBe('"SpecificCharacterSet": "",');
    expect(lines.at(-3)).toBe('"Filename": "CT.X.1"');
    expect(lines.at(-2)).toBe('}');
    expect(lines.at(-1)).toBe('');
    expect(text).toContain('"ImageType": "ORIGINAL\\u005cPRIMARY",\n');
    expect(text).toContain('"ImageComments": "first; second\\u0009third",\n');
  });

  it('parses back to the same object, in Python as in JS', () => {
    expect(parseTagsFile(text)).toEqual(tags);
    const python = runPython('import json, sys; sys.stdout.write(json.dumps(json.load(sys.stdin)))', [], text);
    const fromPython = JSON.parse(python) as Record<string, string>;
    expect(Object.keys(fromPython)).toEqual(Object.keys(tags));
    expect(fromPython).toEqual(tags);
    expect(fromPython['ImageType']).toBe('ORIGINAL\\PRIMARY');
    expect(fromPython['PatientName']).toBe("Müller^'Jörg'");
  });
});

describe('parseTagsFile', () => {
  it.each([
    ['an array', '["a"]', 'is not a JSON object'],
    ['a number value', '{"A": 1}', '"A" is a number, not a string'],
    ['a null value', '{"A": null}', '"A" is a null, not a string'],
    ['broken JSON', '{"A": ', 'JSON'],
  ])('rejects %s', (_name, text, message) => {
    expect(() => parseTagsFile(text, 'x.tags')).toThrow(message);
  });
});

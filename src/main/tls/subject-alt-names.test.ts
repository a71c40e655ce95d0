import { describe, expect, it } from 'vitest';
import { ipAddressBytes, subjectAltNames } from './subject-alt-names.js';

describe('ipAddressBytes', () => {
  it.each([
    ['127.0.0.1', '7f000001'],
    ['192.0.2.10', 'c000020a'],
    ['::1', '00000000000000000000000000000001'],
    ['::', '00000000000000000000000000000000'],
    ['2001:db8::1', '20010db8000000000000000000000001'],
    ['fe80::1:2', 'fe800000000000000000000000010002'],
    ['1:2:3:4:5:6:7:8', '00010002000300040005000600070008'],
    ['2001:DB8:0:0:0:0:0:FFFF', '20010db800000000000000000000ffff'],
    ['::ffff:192.0.2.1', '00000000000000000000ffffc0000201'],
    ['fe80::1%eth0', 'fe800000000000000000000000000001'],
  ])('%s', (text, expected) => {
    expect(ipAddressBytes(text).toString('hex')).toBe(expected);
  });

  it('refuses a name', () => {
    expect(() => ipAddressBytes('localhost')).toThrow(RangeError);
  });
});

describe('subjectAltNames', () => {
  it('writes names as dNSName [2] and addresses as iPAddress [7]', () => {
    const localhost = Buffer.from('localhost', 'ascii').toString('hex');
    expect(subjectAltNames(['localhost', '127.0.0.1', '::1']).toString('hex')).toBe(
      ['3023', `8209${localhost}`, '87047f000001', `8710${'00'.repeat(15)}01`].join(''),
    );
  });
});

import { describe, expect, it } from 'vitest';
import { maskIdNumber, maskName, maskPhone } from './masking.ts';

describe('masking', () => {
  it.each([
    ['13812341234', '138****1234'],
    ['+86 138-1234-1234', '138****1234'],
    ['010-6512345', '******2345'],
    ['123', '***'],
  ])('maskPhone(%s) = %s', (input, expected) => {
    expect(maskPhone(input)).toBe(expected);
  });

  it.each([
    ['11010519491231002X', '110105********002X'],
    ['1234567890', '**********'],
  ])('maskIdNumber(%s) = %s', (input, expected) => {
    expect(maskIdNumber(input)).toBe(expected);
  });

  it.each([
    ['张三', '张*'],
    ['欧阳修文', '欧***'],
    ['李', '李'],
  ])('maskName(%s) = %s', (input, expected) => {
    expect(maskName(input)).toBe(expected);
  });
});

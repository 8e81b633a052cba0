#!/usr/bin/env python3
"""bpfwalk: run a cached seccomp program (<root>/.bpf@cache/FILE) on the
x86_64 seccomp_data of every syscall number in a range, all arguments 0.

    bpfwalk.py FILE [FIRST LAST]      (default 0 463)

Prints, per number, "NR ACTION STEPS": the action the program returns
(allow, errno:N, kill, trap, log, trace, other:HEX) and how many
instructions it ran to get there.  The cache file is "BRIGBPF1", the key
length (u32), the key, the instruction count (u32), struct sock_filter[].
"""
import struct
import sys

AUDIT_ARCH_X86_64 = 0xC000003E
RET = {0x7FFF0000: "allow", 0x00000000: "kill", 0x80000000: "kill",
       0x00030000: "trap", 0x7FFC0000: "log", 0x7FF00000: "trace"}


def load(path):
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"BRIGBPF1":
        sys.exit("bpfwalk: %s: not a brig filter cache file" % path)
    klen, = struct.unpack_from("<I", data, 8)
    off = 12 + klen
    count, = struct.unpack_from("<I", data, off)
    off += 4
    return [struct.unpack_from("<HBBI", data, off + 8 * i)
            for i in range(count)]


def run(prog, nr):
    """(action, steps) of prog on syscall nr, x86_64, all args 0."""
    data = struct.pack("<iIQ6Q", nr, AUDIT_ARCH_X86_64, 0, *([0] * 6))
    a = x = 0
    mem = [0] * 16
    pc = steps = 0
    while True:
        code, jt, jf, k = prog[pc]
        steps += 1
        cls, op, src = code & 0x07, code & 0xF0, code & 0x08
        if cls == 0x00:  # BPF_LD
            if code & 0xE0 == 0x20:  # BPF_ABS, word
                a, = struct.unpack_from("<I", data, k)
            elif code & 0xE0 == 0x00:  # BPF_IMM
                a = k
            elif code & 0xE0 == 0x60:  # BPF_MEM
                a = mem[k]
            else:
                raise SystemExit("bpfwalk: load 0x%x at %d" % (code, pc))
        elif cls == 0x01:  # BPF_LDX
            x = mem[k] if code & 0xE0 == 0x60 else k
        elif cls == 0x02:  # BPF_ST
            mem[k] = a
        elif cls == 0x03:  # BPF_STX
            mem[k] = x
        elif cls == 0x04:  # BPF_ALU
            v = x if src else k
            a = {0x00: a + v, 0x10: a - v, 0x20: a * v, 0x40: a | v,
                 0x50: a & v, 0x60: a << v, 0x70: a >> v, 0xA0: a ^ v,
                 0x80: -a}[op] & 0xFFFFFFFF
        elif cls == 0x05:  # BPF_JMP
            if op == 0x00:
                pc += 1 + k
                continue
            v = x if src else k
            hit = {0x10: a == v, 0x20: a > v, 0x30: a >= v,
                   0x40: bool(a & v)}[op]
            pc += 1 + (jt if hit else jf)
            continue
        elif cls == 0x06:  # BPF_RET
            r = a if code & 0x18 == 0x10 else k
            act = r & 0xFFFF0000
            if act == 0x00050000:
                return "errno:%d" % (r & 0xFFFF), steps
            return RET.get(act, "other:%x" % r), steps
        elif cls == 0x07:  # BPF_MISC
            if code == 0x07:
                x = a
            else:
                a = x
        pc += 1


def main():
    prog = load(sys.argv[1])
    first, last = (int(sys.argv[2]), int(sys.argv[3])) \
        if len(sys.argv) > 3 else (0, 463)
    for nr in range(first, last + 1):
        act, steps = run(prog, nr)
        print(nr, act, steps)


main()

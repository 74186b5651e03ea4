#!/usr/bin/env python3
"""Writes an uncompressed (BI_RGB) AVI, a real video every FFmpeg build decodes: bench/video.py FILE [W H FRAMES]."""
import random
import struct
import sys


def avi(width, height, frames, seed=7):
    rnd = random.Random(seed)
    stride = (width * 3 + 3) & ~3
    frame_size = stride * height
    frame_data = []
    for i in range(frames):
        base = bytearray()
        for y in range(height):
            line = bytearray()
            for x in range(width):
                line += bytes(((x + i * 4) & 255, (y * 2) & 255, (rnd.randrange(32) + i * 8) & 255))
            line += b"\0" * (stride - width * 3)
            base += line
        frame_data.append(bytes(base))

    def chunk(fourcc, data):
        return fourcc + struct.pack("<I", len(data)) + data + (b"\0" if len(data) % 2 else b"")

    def lst(kind, data):
        return b"LIST" + struct.pack("<I", len(data) + 4) + kind + data

    avih = struct.pack("<IIIIIIIIII4I", 40000, frame_size * 25, 0, 0x10, frames, 0, 1, frame_size, width, height,
                       0, 0, 0, 0)
    strh = (b"vids" + b"DIB " + struct.pack("<IHHIIIIIIIIhhhh", 0, 0, 0, 0, 1, 25, 0, frames, frame_size,
                                            0xFFFFFFFF, 0, 0, 0, width, height))
    strf = struct.pack("<IiiHHIIiiII", 40, width, height, 1, 24, 0, frame_size, 0, 0, 0, 0)
    hdrl = lst(b"hdrl", chunk(b"avih", avih) + lst(b"strl", chunk(b"strh", strh) + chunk(b"strf", strf)))
    movi_body = b""
    index = b""
    offset = 4
    for data in frame_data:
        index += b"00db" + struct.pack("<III", 0x10, offset, len(data))
        c = chunk(b"00db", data)
        movi_body += c
        offset += len(c)
    body = b"AVI " + hdrl + lst(b"movi", movi_body) + chunk(b"idx1", index)
    return b"RIFF" + struct.pack("<I", len(body)) + body


if __name__ == "__main__":
    w, h, n = (int(a) for a in sys.argv[2:5]) if len(sys.argv) >= 5 else (320, 240, 12)
    with open(sys.argv[1], "wb") as f:
        f.write(avi(w, h, n))

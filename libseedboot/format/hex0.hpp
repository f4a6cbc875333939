// The hex0 language, assembled independently of any seed so that a seed binary
// can be checked against its annotated source before it is trusted.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace seedboot {

// Hex digits (either case) outside comments are nibbles; two consecutive
// nibbles make a byte whatever stands between them; '#' and ';' start a comment
// to the end of the line; everything else is skipped; an odd last nibble is dropped.
std::string hex0_assemble(std::string_view source);

struct Hex0Mismatch {
    size_t offset; // first differing byte, or the shorter length
    int expected;  // byte of the assembled source, -1 past its end
    int actual;    // byte of the binary, -1 past its end
};

// Compares the assembly of `source` with `binary`; nullopt when identical.
std::optional<Hex0Mismatch> hex0_audit(std::string_view source, std::string_view binary);

// "offset 0x1f: source assembles to 0x48, binary has 0x49" (or "... ends").
std::string describe(const Hex0Mismatch& m);

} // namespace seedboot

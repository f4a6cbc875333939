// The hex0 assembler and the seed audit. Any bytes as source: the audit of the source against
// its own assembly must find nothing. The input split in two (source, binary) must give an
// audit that agrees with a plain comparison, and a mismatch it reports must be the first one.
#include "fuzz_util.hpp"

#include "libseedboot/format/hex0.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view text = fuzz::as_text(data, size);
    std::string assembled = seedboot::hex0_assemble(text);
    if (assembled.size() > size / 2)
        fuzz::fail("more bytes assembled than nibble pairs in the source");
    if (seedboot::hex0_audit(text, assembled))
        __builtin_trap(); // audit(src, assemble(src)) == nullopt

    // The first byte picks where the source ends and the "binary" begins.
    if (size == 0) return 0;
    size_t cut = 1 + (size - 1) * data[0] / 255;
    std::string_view source = text.substr(1, cut - 1), binary = text.substr(cut);
    std::string expected = seedboot::hex0_assemble(source);
    auto m = seedboot::hex0_audit(source, binary);
    if (!m) {
        if (expected != binary) fuzz::fail("audit passed a binary that differs from the assembly");
        return 0;
    }
    if (expected == binary) fuzz::fail("audit failed a binary equal to the assembly");
    size_t common = std::min(expected.size(), binary.size());
    if (m->offset > common) fuzz::fail("mismatch offset past both ends");
    if (expected.compare(0, m->offset, binary.substr(0, m->offset)) != 0)
        fuzz::fail("mismatch is not the first difference");
    int e = m->offset < expected.size() ? static_cast<unsigned char>(expected[m->offset]) : -1;
    int a = m->offset < binary.size() ? static_cast<unsigned char>(binary[m->offset]) : -1;
    if (m->expected != e || m->actual != a || e == a) fuzz::fail("mismatch bytes are wrong");
    if (seedboot::describe(*m).empty()) fuzz::fail("empty mismatch description");
    return 0;
}

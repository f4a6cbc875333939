// /result (libseedboot/format/result.hpp), the file the host's verdict rests on.
//
// parse_result on any bytes: true or false with a message, never a crash. What it accepts,
// the writer must write back byte for byte (the parser accepts exactly the writer's texts),
// and that text must parse to the same result again.
#include "fuzz_util.hpp"

#include "libseedboot/format/result.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view text = fuzz::as_text(data, size);
    seedboot::RunResult r;
    std::string err;
    if (!seedboot::parse_result(text, "/result", r, err)) {
        if (err.empty()) fuzz::fail("a refusal without a message", text);
        return 0;
    }
    std::string back;
    if (!seedboot::format_result(r, back, err)) fuzz::fail("accepted, but not writable", err);
    if (back != text) fuzz::fail("accepted text differs from what the writer writes", back);
    seedboot::RunResult again;
    if (!seedboot::parse_result(back, "/result", again, err) || !(again.ok == r.ok) ||
        again.steps.size() != r.steps.size() || again.outputs.size() != r.outputs.size())
        fuzz::fail("the writer's text does not read back the same", back);
    return 0;
}

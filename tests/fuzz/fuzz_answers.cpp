// parse_answers on any bytes: true or false with a message, never a crash; every accepted
// answer has a sha256 and a clean absolute path.
#include "fuzz_util.hpp"

#include "libseedboot/format/answers.hpp"
#include "libseedboot/format/text.hpp"
#include "libseedboot/sys/sha256.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::vector<seedboot::Answer> answers;
    std::string err;
    if (!seedboot::parse_answers(fuzz::as_text(data, size), "/a.answers", answers, err)) {
        fuzz::expect_named(err, "/a.answers", "an answers error does not name the file");
        return 0;
    }
    std::string text;
    for (const auto& a : answers) {
        if (!seedboot::is_sha256_hex(a.sha256))
            fuzz::fail("an accepted hash is malformed", a.sha256);
        if (!seedboot::is_clean_abs_path(a.path))
            fuzz::fail("an accepted path is not clean", a.path);
        text += a.sha256 + "  ." + a.path + "\n"; // as sha256sum writes it
    }
    std::vector<seedboot::Answer> again;
    if (!seedboot::parse_answers(text, "/a.answers", again, err))
        fuzz::fail("answers written back do not parse", err + "\n" + text);
    if (again.size() != answers.size()) fuzz::fail("answers written back differ", text);
    for (size_t i = 0; i < again.size(); i++)
        if (again[i].sha256 != answers[i].sha256 || again[i].path != answers[i].path)
            fuzz::fail("answers written back differ", text);
    return 0;
}

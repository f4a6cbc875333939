// The work partition's /state journal and the console protocol's result line.
//
// parse_journal on any bytes: true or false with a message, never a crash; what it accepts is
// written back with journal_begin/journal_done and must parse to the same events.
//
// The console: the QEMU runner's ConsoleWatch is fed the same bytes in chunks whose sizes the
// input picks, and must find the same result line as a plain reference scan: the last complete
// line, cut to 4096 bytes and stripped of trailing '\r', that starts with "SEEDBOOT-RESULT: ".
// parse_result_line must accept exactly what the PID 1 writes. And the same bytes as a step's
// output, through the PID 1's ResultGuard, must never give the host a result line.
#include "fuzz_util.hpp"

#include "init/result_guard.hpp"
#include "qemu/console_watch.hpp"

#include "libseedboot/format/journal.hpp"
#include "libseedboot/format/text.hpp"

namespace {

void check_journal(std::string_view text) {
    seedboot::Journal j;
    std::string err;
    if (!seedboot::parse_journal(text, "/state", j, err)) {
        fuzz::expect_named(err, "/state", "a journal error does not name the file");
        return;
    }
    std::string back = j.laid_out ? "layout\n" : "";
    for (const auto& e : j.events) {
        if (!seedboot::is_clean_name(e.name))
            fuzz::fail("an accepted step name is not clean", e.name);
        if (e.kind == "begin")
            back += seedboot::journal_begin(e.index, e.name);
        else if (e.kind == "done")
            back += seedboot::journal_done(e.index, e.name, e.status, e.millis);
        else
            fuzz::fail("an event of unknown kind", e.kind);
        // finished() looks at a step's last event only.
        const seedboot::JournalEvent* last = nullptr;
        for (const auto& other : j.events)
            if (other.name == e.name) last = &other;
        if (j.finished(e.name) != (last->kind == "done" && last->status == 0))
            fuzz::fail("finished() disagrees with the step's last event", e.name);
    }
    seedboot::Journal again;
    if (!seedboot::parse_journal(back, "/state", again, err))
        fuzz::fail("a journal written back does not parse", err + "\n" + back);
    bool same = again.laid_out == j.laid_out && again.events.size() == j.events.size();
    for (size_t i = 0; same && i < j.events.size(); i++) {
        const auto &a = j.events[i], &b = again.events[i];
        same = a.kind == b.kind && a.index == b.index && a.name == b.name && a.status == b.status &&
               a.millis == b.millis;
    }
    if (!same) fuzz::fail("a journal written back differs", back);
}

std::string reference_result_line(std::string_view text) {
    std::string found;
    size_t start = 0;
    for (size_t nl; (nl = text.find('\n', start)) != std::string_view::npos; start = nl + 1) {
        std::string line(text.substr(start, std::min<size_t>(nl - start, 4096)));
        while (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.rfind(seedboot::kResultPrefix, 0) == 0) found = line;
    }
    return found;
}

void check_console(std::string_view input) {
    if (input.empty()) return;
    // The first byte picks the chunk sizes (1..256), as reads from a pipe would cut the stream.
    unsigned step = static_cast<unsigned char>(input[0]) + 1u;
    std::string_view text = input.substr(1);
    qemu::ConsoleWatch watch, guarded;
    watch.cut_after = "power-cut-here";
    init::ResultGuard guard;
    for (size_t at = 0; at < text.size(); at += step) {
        watch.feed(text.substr(at, step));
        guarded.feed(guard.feed(text.substr(at, step)));
    }
    guarded.feed(guard.finish());
    std::string expected = reference_result_line(text);
    if (watch.result_line != expected)
        fuzz::fail("ConsoleWatch found another result line than the reference scan",
                   watch.result_line + "\n---\n" + expected);
    if (watch.pending() > 4096) fuzz::fail("ConsoleWatch kept a partial line over 4096 bytes");
    if (!guarded.result_line.empty())
        fuzz::fail("a step's output passed the guard as a result line", guarded.result_line);
    seedboot::ResultLine r;
    std::string err;
    if (seedboot::parse_result_line(expected, r, err) &&
        expected !=
            (r.ok ? seedboot::result_line_ok() : seedboot::result_line_fail(r.step, r.status)))
        fuzz::fail("an accepted result line is not what the PID 1 writes", expected);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view text = fuzz::as_text(data, size);
    check_journal(text);
    check_console(text);
    return 0;
}

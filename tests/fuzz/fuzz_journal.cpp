// The work partition's /state journal and the console protocol's result line.
//
// parse_journal on any bytes: true or false with a message, never a crash; what it accepts is
// written back with journal_begin/journal_done (in its format) and must parse to the same
// events. Then one byte of that journal, written in format 2, is changed (where and how, the
// input picks): no line after the first damaged one is ever trusted, so the events read
// back are the ones of the lines before the changed line, at most.
//
// The console: the QEMU runner's ConsoleWatch is fed the same bytes in chunks whose sizes the
// input picks, and must find the same result line as a plain reference scan: the last complete
// line, cut to 4096 bytes and stripped of trailing '\r', that starts with "SEEDBOOT-RESULT: ".
// parse_result_line must accept exactly what the PID 1 writes. And the same bytes as a step's
// output, through the PID 1's ResultGuard, must never give the host a result line.
#include "fuzz_util.hpp"

#include "init/console/result_guard.hpp"
#include "qemu/console_watch.hpp"

#include "libseedboot/format/journal.hpp"
#include "libseedboot/format/text.hpp"

#include <vector>

namespace {

bool same_event(const seedboot::JournalEvent& a, const seedboot::JournalEvent& b) {
    return a.kind == b.kind && a.index == b.index && a.name == b.name && a.status == b.status &&
           a.millis == b.millis;
}

// `j` written out in `format` (1, 2 or 3, the PID 1's); the event lines' ends go to `ends`
// (offsets after their '\n').
std::string write_back(const seedboot::Journal& j, uint64_t format, std::vector<size_t>& ends) {
    bool now = format == seedboot::kJournalFormat;
    std::string back = format == 1 ? ""
                       : now       ? seedboot::journal_header()
                                   : seedboot::journal_header_v(format);
    if (j.laid_out)
        back += now ? seedboot::journal_layout({j.layout_layer, j.layout_entries, j.layout_key})
                    : seedboot::journal_layout_v(format);
    for (const auto& e : j.events) {
        seedboot::LayerLine layer{e.layer, e.layer_entries, e.key, e.cached};
        if (e.kind == "begin")
            back += now ? seedboot::journal_begin(e.index, e.name)
                        : seedboot::journal_begin_v(e.index, e.name, format);
        else if (e.kind == "done")
            back += now ? seedboot::journal_done(e.index, e.name, e.status, e.millis, layer)
                        : seedboot::journal_done_v(e.index, e.name, e.status, e.millis, format);
        else if (e.kind == "flatten" && now)
            back += seedboot::journal_flatten(e.index, e.root, layer);
        else
            fuzz::fail("an event of a kind its format cannot have", e.kind);
        ends.push_back(back.size());
    }
    return back;
}

// One byte of `j`, written in a format with checks (its own 3, or else 2), changed at
// `where` by `flip` (non-zero).
void check_damage(const seedboot::Journal& j, size_t where, unsigned char flip) {
    std::vector<size_t> ends;
    std::string text = write_back(j, j.format == seedboot::kJournalFormat ? j.format : 2, ends);
    where %= text.size();
    text[where] = static_cast<char>(text[where] ^ flip);
    // The changed line starts after the '\n' before `where`: the events whose lines end
    // before that are all that may be trusted.
    size_t nl = where ? text.rfind('\n', where - 1) : std::string::npos;
    size_t line_start = nl == std::string::npos ? 0 : nl + 1;
    size_t before = 0;
    while (before < ends.size() && ends[before] <= line_start) ++before;
    seedboot::Journal d;
    std::string err;
    if (!seedboot::parse_journal(text, "/state", d, err))
        fuzz::fail("a journal with one changed byte is refused, not read up to the damage", err);
    if (d.events.size() > before) fuzz::fail("a line after the first damaged one is trusted", text);
    for (size_t i = 0; i < d.events.size(); ++i)
        if (!same_event(d.events[i], j.events[i]))
            fuzz::fail("a trusted event differs from the one written", text);
    if (d.trusted_bytes > line_start) fuzz::fail("the damaged line's bytes are trusted", text);
}

void check_journal(std::string_view text, size_t where, unsigned char flip) {
    seedboot::Journal j;
    std::string err;
    if (!seedboot::parse_journal(text, "/state", j, err)) {
        fuzz::expect_named(err, "/state", "a journal error does not name the file");
        return;
    }
    if (j.trusted_bytes > text.size()) fuzz::fail("more bytes trusted than the journal has");
    for (const auto& e : j.events) {
        if (!seedboot::is_clean_name(e.name))
            fuzz::fail("an accepted step name is not clean", e.name);
        // finished() looks at a step's last event only.
        const seedboot::JournalEvent* last = nullptr;
        for (const auto& other : j.events)
            if (other.name == e.name) last = &other;
        if (j.finished(e.name) != (last->kind == "done" && last->status == 0))
            fuzz::fail("finished() disagrees with the step's last event", e.name);
    }
    std::vector<size_t> ends;
    std::string back = write_back(j, j.format ? j.format : 2, ends);
    seedboot::Journal again;
    if (!seedboot::parse_journal(back, "/state", again, err))
        fuzz::fail("a journal written back does not parse", err + "\n" + back);
    bool same = again.laid_out == j.laid_out && again.events.size() == j.events.size() &&
                again.damaged_line == 0 && again.trusted_bytes == back.size();
    for (size_t i = 0; same && i < j.events.size(); i++)
        same = same_event(j.events[i], again.events[i]);
    if (!same) fuzz::fail("a journal written back differs", back);
    if (flip) check_damage(j, where, flip);
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
    // The last three bytes also pick where a byte of the journal is changed, and how.
    size_t where = size >= 3 ? (size_t{data[size - 3]} << 8 | data[size - 2]) : 0;
    check_journal(text, where, size >= 3 ? data[size - 1] : 0);
    check_console(text);
    return 0;
}

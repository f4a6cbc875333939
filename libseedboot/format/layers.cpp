#include "layers.hpp"

#include "text.hpp"

#include "libseedboot/sys/sha256.hpp"

#include <algorithm>
#include <cstdio>

namespace seedboot {

std::string layer_entry_line(const LayerEntry& e) {
    char mode[16];
    std::snprintf(mode, sizeof mode, "%o", e.mode & 07777);
    std::string content = e.type == 'l' ? encode_word(e.content) : e.content;
    return std::string(1, e.type) + " " + mode + " " + std::to_string(e.uid) + " " +
           std::to_string(e.gid) + " " + std::to_string(e.size) + " " + content + " " +
           encode_path(e.path) + "\n";
}

LayerDigest layer_digest(std::vector<LayerEntry>& entries) {
    std::sort(entries.begin(), entries.end(),
              [](const LayerEntry& a, const LayerEntry& b) { return a.path < b.path; });
    Sha256 h;
    for (const auto& e : entries) {
        std::string line = layer_entry_line(e);
        h.update(line.data(), line.size());
    }
    return {h.hex(), entries.size()};
}

std::string layer_name(size_t index) {
    char name[16];
    std::snprintf(name, sizeof name, "%04zu", index + 1);
    return name;
}

std::string flat_layer_name(size_t index) {
    return "F" + layer_name(index);
}

std::string chain_with(const std::string& chain, const LayerDigest& d) {
    if (d.entries == 0) return chain;
    return sha256_hex(chain + " " + d.sha256);
}

namespace {

void push_layer(Stack& s, const std::string& name, const LayerDigest& d, const std::string& key) {
    if (d.entries == 0) return;
    s.layers.push_back({name, d, key});
    s.chain = chain_with(s.chain, d);
}

bool fail(std::string& err, const std::string& what) {
    err = "the journal does not fit the plan: " + what;
    return false;
}

void commit(Replay& r, const std::string& name, const LayerDigest& d, size_t line) {
    if (d.entries) r.committed[name] = {d, line};
}

} // namespace

// A flatten line replaces the root's stack by one layer of the same tree: the chain stays.
[[nodiscard]] bool replay_flatten(const JournalEvent& e, Replay& r, std::string& err) {
    auto it = r.roots.find(e.root);
    if (it == r.roots.end())
        return fail(err, "flatten before step " + std::to_string(e.index + 1) + " of root '" +
                             e.root + "', which does not exist there");
    std::string name = flat_layer_name(e.index);
    LayerDigest d{e.layer, e.layer_entries};
    it->second.layers = {{name, d, "-"}};
    commit(r, name, d, e.offset);
    return true;
}

// A start step makes its root: the base root's stack shared (no copy), or a layer of its own
// (a folder of the root image copied in); any other step adds its layer to its root.
[[nodiscard]] bool replay_done(const Plan& plan, size_t i, const JournalEvent& e, Replay& r,
                               std::string& err) {
    const PlanStep& s = plan.steps[i];
    LayerDigest d{e.layer, e.layer_entries};
    Stack* into = nullptr;
    if (s.action == StepAction::start) {
        Stack st;
        if (!s.base.empty() && s.base[0] != '/') {
            auto base = r.roots.find(s.base);
            if (base == r.roots.end())
                return fail(err, "step " + s.name + " starts from root '" + s.base +
                                     "', which has not been made");
            st = base->second;
        }
        into = &(r.roots[s.root] = st);
    } else {
        auto root = r.roots.find(s.root);
        if (root == r.roots.end())
            return fail(err, "step " + s.name + " works in root '" + s.root +
                                 "', which has not been made");
        into = &root->second;
    }
    if (e.layer == "-") return true;
    push_layer(*into, layer_name(i), d, e.key);
    commit(r, layer_name(i), d, e.offset);
    return true;
}

[[nodiscard]] bool replay_stacks(const Plan& plan, const Journal& j, Replay& out,
                                 std::string& err) {
    Replay r;
    if (j.laid_out) {
        LayerDigest d{j.layout_layer, j.layout_entries};
        push_layer(r.roots["build"], kLayoutLayer, d, j.layout_key);
        commit(r, kLayoutLayer, d, j.layout_offset);
    }
    for (; r.next < plan.steps.size(); ++r.next) {
        for (const auto& e : j.events)
            if (e.kind == "flatten" && e.index == r.next && !replay_flatten(e, r, err))
                return false;
        const PlanStep& s = plan.steps[r.next];
        if (!j.finished(s.name)) break;
        if (!replay_done(plan, r.next, *j.done_event(s.name), r, err)) return false;
    }
    out = std::move(r);
    return true;
}

std::string layer_key(const KeyInput& in) {
    std::string text = std::string(kLayerRuntime) + "\narch " + in.arch + "\nparent " + in.parent +
                       "\n" + in.definition;
    for (const auto& r : in.reads) text += "read " + r + "\n";
    return sha256_hex(text);
}

std::string step_definition(const Plan& plan, const PlanStep& s) {
    std::string t = std::string("do ") + action_name(s.action) + "\n";
    if (s.action == StepAction::run) {
        t += "cwd " + encode_word(s.cwd) + "\n";
        for (const auto& e : step_environment(plan, s)) t += "env " + encode_word(e) + "\n";
        // The build tree's steps see the plan's read-only views; the digests of what they
        // show are among the key's reads.
        if (s.root == "build")
            for (const auto& b : plan.binds) t += "bind " + b.from + " " + b.to + "\n";
    }
    if (!s.base.empty()) t += "base " + s.base + "\n";
    if (!s.from.empty()) t += "from " + s.from + "\n";
    if (s.chmod >= 0) t += "chmod " + std::to_string(s.chmod) + "\n";
    for (const auto& a : s.argv) t += "arg " + encode_word(a) + "\n";
    return t;
}

std::string layout_definition(const Plan& plan) {
    std::string t = "do layout\n";
    for (const auto& d : plan.mkdirs) t += "mkdir " + d + "\n";
    for (const auto& c : plan.copies) t += "copy " + c.from + " " + c.to + "\n";
    for (const auto& b : plan.binds) t += "mount-point " + b.to + "\n";
    return t;
}

std::string source_digest(const Manifest& m, std::string_view path) {
    std::string p(path), below = p == "/" ? "/" : p + "/";
    Sha256 h;
    size_t n = 0;
    for (const auto& e : m) {
        if (e.path != p && e.path.rfind(below, 0) != 0) continue;
        std::string line = describe_entry(e) + " " + encode_path(e.path) + "\n";
        h.update(line.data(), line.size());
        ++n;
    }
    return n ? h.hex() : "-";
}

} // namespace seedboot

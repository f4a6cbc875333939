// Build roots as layers: what the PID 1 and the host agree on about them.
//
// Every build root (the plan's "build" tree, each StageX build stage) is a stack of read-only
// layers on the work partition, bottom first. A step that changes a root writes into a fresh
// upper layer over its stack (overlayfs, as Docker's overlay2); the layer is committed by the
// step's "done" line in the journal, which records its digest. A layer on disk that no trusted
// journal line names does not exist: the next boot discards it whole.
//
//   /layers/0000     the build tree's first layer: the plan's folders and copied sources
//   /layers/NNNN     the layer of step NNNN (from 1, the plan's order)
//   /layers/FNNNN    a root's stack flattened into one layer before step NNNN
//
// A layer holds what overlayfs leaves in an upper directory: new and changed entries,
// whiteouts (a character device 0:0) for what the step removed, and the xattr
// trusted.overlay.opaque=y on a folder that hides the one below it.
//
// A layer's digest is the sha256 over one line per entry, in path order:
//   TYPE MODE UID GID SIZE CONTENT PATH
// TYPE f file, d folder, o opaque folder, l symlink, w whiteout, p fifo, s socket; MODE the
// permission bits in octal (07777); CONTENT a file's sha256, a symlink's %-escaped target, or
// "-"; PATH %-escaped, below the layer's top ("/" is the top folder itself, listed only
// when it is not a plain folder of mode 755 owned by 0:0). Times are not in it: the same step gives
// the same digest on every run, so that two builders, and the layer cache, can compare layers.
//
// A stack's chain is the digest of the tree it makes: "-" for the empty tree, and
// sha256("CHAIN DIGEST") for a stack with one more non-empty layer on top (as OCI's ChainID).
#pragma once

#include "journal.hpp"
#include "manifest.hpp"
#include "plan.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace seedboot {

struct LayerEntry {
    std::string path; // below the layer's top: "/usr/bin/cc"
    char type = 'f';  // f d o l w p s (see above)
    uint32_t mode = 0;
    uint64_t uid = 0, gid = 0;
    uint64_t size = 0;         // a file's bytes, a symlink's target length; else 0
    std::string content = "-"; // f: sha256; l: the target (raw; escaped in the line)
};

struct LayerDigest {
    std::string sha256;
    uint64_t entries = 0;
};

// The entry's digest line, with its '\n'.
std::string layer_entry_line(const LayerEntry& e);

// The digest of a layer's entries; sorts them by path first.
LayerDigest layer_digest(std::vector<LayerEntry>& entries);

// The layer's folder name under /layers: 0000 for the build tree's first layer, NNNN for the
// step of 0-based `index`, FNNNN for a stack flattened before it.
std::string layer_name(size_t index);
std::string flat_layer_name(size_t index);
inline constexpr const char* kLayoutLayer = "0000";

// A committed layer as a stack holds it.
struct LayerRef {
    std::string name; // its folder under /layers
    LayerDigest digest;
    std::string key; // its cache key, or "-"
};

// A root: its non-empty layers (bottom first) and the chain digest of the tree they make.
struct Stack {
    std::vector<LayerRef> layers;
    std::string chain = "-";
};

// The chain of `stack` with a layer of digest `d` on top (an empty layer changes nothing).
std::string chain_with(const std::string& chain, const LayerDigest& d);

// Layer stacks deeper than this are flattened into one layer before the next step. Overlayfs
// takes at most 500 lower layers (OVL_MAX_STACK in Linux 6.1) in a mount option string of one
// page (4096 bytes); docs/layers.md has the measurements behind the number.
inline constexpr size_t kMaxStackDepth = 128;

// The roots as a trusted journal leaves them, replaying the plan's steps in order: `roots`
// maps each root that exists to its stack; `next` is the first step the journal does not
// show finished (steps run in order: nothing after it counts). False with `err` when the
// journal contradicts the plan (a done line of a step that starts from a root that does
// not exist yet, a flatten of an unknown root).
struct Committed {
    LayerDigest digest;
    size_t line = 0; // where the journal line that commits it starts
};
struct Replay {
    std::map<std::string, Stack> roots;
    size_t next = 0;
    // The non-empty layers the journal commits, by folder name, for the boot's check.
    std::map<std::string, Committed> committed;
};
[[nodiscard]] bool replay_stacks(const Plan& plan, const Journal& j, Replay& out, std::string& err);

// One step of the replay, for the PID 1 as it goes: the effect of step `i`'s done event, and
// of a flatten line, on the roots.
[[nodiscard]] bool replay_done(const Plan& plan, size_t i, const JournalEvent& done, Replay& r,
                               std::string& err);
[[nodiscard]] bool replay_flatten(const JournalEvent& flatten, Replay& r, std::string& err);

// What a step's layer depends on, beside the tree below it: the cache key's input. The
// runtime version names what a step sees (its /dev, /proc, environment rules): a PID 1 that
// gives steps something else must change it, and every key with it.
inline constexpr const char* kLayerRuntime = "seedboot-layer-runtime 1";

struct KeyInput {
    std::string arch;
    std::string parent;     // the chain of the tree the step starts from
    std::string definition; // step_definition()
    // Whatever else the step reads, in order: "source PATH SHA" (a root image path and
    // the digest of its manifest lines), "root NAME CHAIN" (another root it copies from).
    std::vector<std::string> reads;
};
std::string layer_key(const KeyInput& in);

// The step as its layer depends on it: what it does, with which words, environment, folder
// and mode, and not its name, time limit, progress estimate or checks.
std::string step_definition(const Plan& plan, const PlanStep& step);

// The layout layer's definition: the plan's folders, copies and mount points.
std::string layout_definition(const Plan& plan);

// The digest of the manifest lines of `path` and everything below it ("-" if none).
std::string source_digest(const Manifest& m, std::string_view path);

} // namespace seedboot

// A root's merged view: its stack of layers mounted with overlayfs, writable into
// a fresh upper layer while a step works in it, or read-only to hash outputs and
// copy from. Mounted in the PID 1's own mount namespace; each step's reaper gets a
// copy in its namespace, which dies with it.
//
// The lower layers are named relative to the layers folder (the PID 1 changes into
// it for the mount(2) call), so that a stack of kMaxStackDepth layers fits the
// option string's page easily; overlayfs's own limit (500 lower layers) is the bound.
#pragma once

#include "libseedboot/format/layers.hpp"

#include <string>

namespace init {

struct LayerDirs {
    std::string layers; // /work/layers: the layers, .empty and .empty2 (empty lowers) and .work
};

// What lies under a stack's own layers: nothing, or, for a RUN step's view, the mount
// points of what the step sees besides its tree (step_stubs.hpp).
enum class Bottom { empty, step_stubs };

// The merged view at `target` while the object lives; unmounted by the destructor or unmount().
class MergedView {
  public:
    MergedView() = default;
    MergedView(const MergedView&) = delete;
    MergedView& operator=(const MergedView&) = delete;
    ~MergedView() { (void)unmount(); }

    const std::string& path() const { return target_; }
    [[nodiscard]] bool mounted() const { return !target_.empty(); }
    // False (the console says why) if the view cannot be unmounted: something still uses it.
    [[nodiscard]] bool unmount();

  private:
    friend bool mount_view(const LayerDirs&, const seedboot::Stack&, const std::string&,
                           const std::string&, Bottom, MergedView&);
    std::string target_;
};

// Mounts `stack` at `target`: writable into the layer folder `upper` (a name under
// dirs.layers, made empty by the caller), or read-only when `upper` is empty.
[[nodiscard]] bool mount_view(const LayerDirs& dirs, const seedboot::Stack& stack,
                              const std::string& upper, const std::string& target, Bottom bottom,
                              MergedView& out);

} // namespace init

// Turns a StageX recipe into our plan: one journaled step per instruction that
// does something (FROM starts a root, WORKDIR makes a folder, COPY/ADD copy,
// RUN runs), each build stage a root of its own (/work/roots/s-NAME), and the
// list of what the root image must carry for the plan to find it.
//
// Where things are in the root image:
//   /sources/stagex/fetch/FILE             a fetched source (COPY --from=fetch)
//   /sources/stagex/unpacked/FILE/         a fetched archive, unpacked (ADD fetch/FILE)
//   /sources/stagex/context/PATH           a file of the package folder (ADD PATH)
//   /sources/stagex/heredoc/L<line>/NAME   a here-document, named by its delimiter
//   /sources/stagex/image/NAME/            our own earlier stage (stagex/bootstrap-stageN)
#pragma once

#include "recipe.hpp"

#include "libseedboot/format/plan.hpp"

#include <map>
#include <string>
#include <vector>

namespace builder::stagex {

struct ImageFile {
    enum class Kind { fetch, unpacked, context, heredoc, stage_image } kind = Kind::fetch;
    std::string image_path; // where the plan expects it
    std::string name;       // fetch/unpacked: the file; context: its path; stage_image: the image
    std::string content;    // heredoc: the document
};

// A fetched file the plan needs, and the first step that needs it.
struct Need {
    std::string file;
    std::string step;
};

struct CompileInput {
    uint64_t epoch = 1;
    uint64_t timeout_s = 48 * 3600; // per RUN: a stage-1 package under TCG can take hours
    std::string until;              // run only up to this step (inclusive); empty: all
    // Fetched files a RUN needs, by live-bootstrap package (its steps/PKG/sources); a RUN's
    // package is the `pkg` of its environment or the PKG of `build PKG ...` (distfiles.hpp).
    std::map<std::string, std::vector<std::string>> package_files;
    // live-bootstrap's own answers for a package pass: "PKG.ARCH" -> the image path of its
    // steps/PKG/PKG.ARCH.checksums (sha256sum lines of what the pass installs); ARCH is the
    // RUN's $ARCH. The PID 1 checks them in the RUN's root right after it.
    std::map<std::string, std::string> package_answers;
    std::vector<std::string> all_fetch_files; // what `COPY --from=fetch .` copies without UNTIL
    std::map<std::string, std::string> seeds; // context file -> its path in the image (/seed/...)
};

struct Compiled {
    seedboot::Plan plan;
    std::vector<ImageFile> files;                 // every one the plan names, once
    std::vector<Need> needs;                      // in step order
    std::map<std::string, std::string> platforms; // root -> platform its steps run on
};

// The guest a plan's stages can all run in (i386 runs linux/386; x86_64 runs linux/386
// and linux/amd64; aarch64 runs linux/arm64); false with why, when none can.
[[nodiscard]] bool guest_arch(const Recipe& r, std::string& arch, std::string& err);

[[nodiscard]] bool compile_stagex(const Recipe& r, const CompileInput& in, Compiled& out,
                                  std::string& err);

// The package a RUN builds, from StageX's own conventions ("" when none).
std::string package_of(const Action& a);

} // namespace builder::stagex

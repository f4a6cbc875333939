// A Containerfile understood: its build stages and, in order, what each of them
// does, with every variable expanded as BuildKit would (ARG, ENV, WORKDIR,
// SHELL, the exec/shell/here-document forms of RUN). Nothing here runs or
// touches a file: the recipe is turned into our plan by stagex/plan.hpp.
//
// Only the stages the last one needs are kept (FROM and COPY --from reach them),
// as BuildKit builds only those.
#pragma once

#include "containerfile.hpp"
#include "expand.hpp"

#include <string>
#include <vector>

namespace builder::stagex {

// Where a build stage starts from.
struct Base {
    enum class Kind { scratch, stage, image } kind = Kind::scratch;
    std::string name; // stage: an earlier stage; image: e.g. "stagex/bootstrap-stage0"
};

struct BuildStage {
    std::string name; // "AS name", or the stage's index as BuildKit names unnamed stages
    Base base;
    std::string platform; // --platform of FROM, or the build's platform
    size_t line = 0;
};

// Where COPY and ADD take files from.
struct Origin {
    enum class Kind { stage, fetch, context, image, heredoc } kind = Kind::context;
    std::string name; // stage or image name
};

struct Action {
    enum class Kind { start, mkdir, copy, run } kind = Kind::run;
    size_t line = 0;         // the instruction's line in the Containerfile
    std::string instruction; // FROM, WORKDIR, COPY, ADD or RUN
    size_t stage = 0;        // index into Recipe::stages
    // mkdir: path. copy: the sources (paths in the origin) and the destination.
    std::vector<std::string> sources;
    std::string dest;
    Origin origin;                 // copy
    bool extract = false;          // copy by ADD of a local tar archive: unpacked into dest
    std::string chmod;             // copy: --chmod, octal digits, or empty
    std::string content;           // copy of a here-document: the file's bytes
    std::vector<std::string> argv; // run
    std::vector<std::string> env;  // run: NAME=VALUE, ENV and ARGs in scope, in order
    std::string cwd;               // run: WORKDIR
};

struct Recipe {
    std::string file;
    std::vector<BuildStage> stages;
    std::vector<Action> actions; // in the order BuildKit's sequential build would do them
};

// What the build passes in: --build-arg values (StageX derives them from
// package.toml) and the platform the stages run on unless FROM says otherwise.
struct BuildInput {
    Vars args;
    std::string platform = "linux/386";
};

[[nodiscard]] bool read_recipe(const Containerfile& cf, const BuildInput& in, Recipe& out,
                               std::string& err);

} // namespace builder::stagex

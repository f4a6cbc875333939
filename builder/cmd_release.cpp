// seedboot release: check OUT/SHA256SUMS against the disk images, write OUT/INPUTS (what a
// second builder needs to rebuild the images and compare), and sign both files with
// minisign-compatible signatures named SHA256SUMS.minisig.NAME and INPUTS.minisig.NAME, which
// `seedboot verify --trust` counts towards M of N and `minisign -V` checks one at a time.
#include "commands.hpp"
#include "minisign.hpp"
#include "spec.hpp"

#include "sha256.hpp"

#include <sodium.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <unistd.h>

#ifndef SEEDBOOT_VERSION
#error "SEEDBOOT_VERSION must be defined (builder/CMakeLists.txt passes the project version)"
#endif

namespace builder {

namespace {

namespace fs = std::filesystem;
namespace ms = minisign;

// INPUTS: path as written in the file -> sha256. A map, so the lines come out sorted.
using Inputs = std::map<std::string, std::string>;

bool hash_file(const std::string& path, std::string& hex, std::string& err) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        err = path + ": cannot open: " + std::strerror(errno);
        return false;
    }
    uint64_t size = 0;
    bool ok = seedboot::sha256_fd(fd, hex, size);
    int saved = errno;
    ::close(fd);
    if (!ok) err = path + ": cannot read: " + std::strerror(saved);
    return ok;
}

bool read_text(const std::string& path, std::string& text, std::string& err) {
    std::ifstream f(path, std::ios::binary);
    if (!f) {
        err = path + ": cannot open: " + std::strerror(errno);
        return false;
    }
    std::ostringstream s;
    s << f.rdbuf();
    text = s.str();
    return true;
}

// Through a temporary file and a rename: a failed release never leaves half a file behind.
bool write_text(const std::string& path, const std::string& text, std::string& err) {
    std::string tmp = path + ".tmp-seedboot";
    {
        std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
        if (!(f << text) || !f.flush()) {
            err = tmp + ": cannot write";
            return false;
        }
    }
    std::error_code ec;
    fs::rename(tmp, path, ec);
    if (ec) {
        fs::remove(tmp, ec);
        err = path + ": cannot write: " + ec.message();
    }
    return !ec;
}

// One SHA256SUMS line as `seedboot images` and sha256sum write it: "HEX  NAME" (or "HEX *NAME").
// NAME must be a plain file name in OUT: a release never reaches outside its folder.
bool parse_sum_line(const std::string& line, const std::string& where, std::string& hex,
                    std::string& name, std::string& err) {
    bool ok = line.size() > 66 && seedboot::is_sha256_hex(line.substr(0, 64)) && line[64] == ' ' &&
              (line[65] == ' ' || line[65] == '*');
    if (ok) {
        hex = line.substr(0, 64);
        name = line.substr(66);
    }
    if (ok && (name.find('/') != std::string::npos || name == "." || name == "..")) {
        err = where + ": '" + name +
              "' is not a file name in the release folder (expected "
              "a name without '/')";
        return false;
    }
    if (!ok) err = where + ": expected 'SHA256  NAME' (64 hex digits, two spaces, a file name)";
    return ok;
}

// Every file SHA256SUMS lists must be in `dir` with that hash; `names` gets their names.
bool check_sums(const std::string& dir, std::set<std::string>& names, std::string& err) {
    std::string sums = dir + "/SHA256SUMS", text;
    if (!fs::exists(sums)) {
        err = sums + ": not found (expected the output of `seedboot images -o " + dir + "`)";
        return false;
    }
    if (!read_text(sums, text, err)) return false;
    std::istringstream in(text);
    size_t n = 0;
    for (std::string line; std::getline(in, line);) {
        std::string where = sums + ":" + std::to_string(++n), want, name, got;
        if (!parse_sum_line(line, where, want, name, err) || !hash_file(dir + "/" + name, got, err))
            return false;
        if (got != want) {
            err = dir + "/" + name + ": sha256 " + got + ", but " + where + " lists " + want +
                  " (a release signs only what it verified)";
            return false;
        }
        names.insert(name);
    }
    if (names.empty()) err = sums + ": lists no files (expected one line per disk image)";
    return !names.empty();
}

// Names host paths in INPUTS without anything that differs between builders: files in the
// build folder as "{build}/REL" (as specs write them), files in the repository relative to
// its root (the current folder). Anything else has no stable name.
struct Namer {
    fs::path root, build;

    static bool under(const fs::path& base, const fs::path& p, std::string& rel) {
        fs::path r = p.lexically_relative(base);
        rel = r.string();
        return !r.empty() && *r.begin() != "..";
    }
    bool name(const fs::path& host, std::string& out) const {
        fs::path p = fs::absolute(host).lexically_normal();
        std::string rel;
        if (under(build, p, rel))
            out = "{build}/" + rel;
        else if (under(root, p, rel))
            out = rel;
        else
            return false;
        return true;
    }
};

bool add_file(const Namer& nm, const fs::path& host, Inputs& inputs, std::string& err) {
    std::string name, hex;
    if (!nm.name(host, name)) {
        err = host.string() + ": outside the repository and the build folder (INPUTS names "
                              "files relative to one of them)";
        return false;
    }
    if (!hash_file(host.string(), hex, err)) return false;
    inputs[name] = hex;
    return true;
}

// A file, or every file below a folder. Symbolic links are refused: a line in INPUTS is the
// hash of a file's bytes, which a link does not have.
bool add_path(const Namer& nm, const fs::path& host, Inputs& inputs, std::string& err) {
    std::error_code ec;
    auto st = fs::symlink_status(host, ec);
    if (fs::is_regular_file(st)) return add_file(nm, host, inputs, err);
    if (!fs::is_directory(st)) {
        err = host.string() + ": " + (ec ? ec.message() : "not a regular file or folder") +
              " (expected an input of an image that SHA256SUMS lists)";
        return false;
    }
    for (auto it = fs::recursive_directory_iterator(host, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        auto s = it->symlink_status(ec);
        if (ec || fs::is_directory(s)) continue;
        if (!fs::is_regular_file(s)) {
            err = it->path().string() + ": not a regular file (INPUTS lists file hashes)";
            return false;
        }
        if (!add_file(nm, it->path(), inputs, err)) return false;
    }
    if (ec) err = host.string() + ": " + ec.message();
    return !ec;
}

bool for_arch(const std::vector<std::string>& arches, const std::string& arch) {
    return arches.empty() || std::find(arches.begin(), arches.end(), arch) != arches.end();
}

bool below_any(const std::vector<fs::path>& dirs, const fs::path& p) {
    std::string rel;
    for (const auto& d : dirs)
        if (p == d || Namer::under(d, p, rel)) return true;
    return false;
}

// The kernel source an arch's kernel was really built from: build-kernel.sh records
// "sha256 size path version..." beside the kernel (a smoke build may use a source that
// differs from kernel-config/source.lock; make release refuses one that does).
bool add_kernel_source(const std::string& build, const std::string& arch, Inputs& inputs,
                       std::string& err) {
    std::string record = build + "/kernel/" + arch + "/source", text;
    if (!read_text(record, text, err)) {
        err += " (written by kernel-config/build-kernel.sh: make kernel-" + arch + ")";
        return false;
    }
    std::istringstream words(text);
    std::string sha, size, path;
    if (!(words >> sha >> size >> path) || !seedboot::is_sha256_hex(sha)) {
        err = record + ": '" + text.substr(0, text.find('\n')) +
              "' (expected 'SHA256 SIZE PATH VERSION', as build-kernel.sh writes it)";
        return false;
    }
    inputs[path] = sha;
    return true;
}

// What one spec puts into its image on `arch`: the kernel and PID 1 from the build folder,
// the seeds and the sources. A locked upstream source (and seeds inside it) is named by its
// lock in rootfs/locks, not by its files, which the user supplies from outside.
bool add_spec_files(const Spec& spec, const std::string& arch, const std::string& build,
                    const Namer& nm, Inputs& inputs, std::string& err) {
    std::string kernel = build + "/kernel/" + arch + (arch == "aarch64" ? "/Image" : "/bzImage");
    std::vector<fs::path> locked, files{kernel, build + "/guest/" + arch + "/init/init"};
    for (const auto& src : spec.sources) {
        if (!for_arch(src.arches, arch)) continue;
        fs::path host = fs::absolute(host_path(spec, src.path, arch, build)).lexically_normal();
        (src.lock.empty() ? files : locked).push_back(host);
    }
    for (const auto& seed : spec.seeds)
        for (const auto* pattern : {&seed.binary, &seed.source})
            files.push_back(
                fs::absolute(host_path(spec, *pattern, arch, build)).lexically_normal());
    for (const auto& f : files)
        if (!below_any(locked, f) && !add_path(nm, f, inputs, err)) return false;
    return add_kernel_source(build, arch, inputs, err);
}

// Every spec file, and what went into each image that SHA256SUMS lists (an image that
// `seedboot images --skip-missing` left out has no inputs to name).
bool add_specs(const ReleaseArgs& a, const std::set<std::string>& images, const Namer& nm,
               Inputs& inputs, std::string& err) {
    std::vector<std::string> specs;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(a.specs, ec))
        if (e.path().extension() == ".toml") specs.push_back(e.path().string());
    if (ec || specs.empty()) {
        err = a.specs + ": " + (ec ? ec.message() : "no image specs (*.toml)") +
              " (expected the folder of image specs given to seedboot images)";
        return false;
    }
    for (const auto& path : specs) {
        Spec spec;
        if (!add_file(nm, path, inputs, err) || !load_spec(path, spec, err)) return false;
        for (const auto& arch : spec.arches)
            if (images.count(spec.name + "-" + arch + ".img") &&
                !add_spec_files(spec, arch, a.build_dir, nm, inputs, err))
                return false;
    }
    return true;
}

bool collect_inputs(const ReleaseArgs& a, const std::set<std::string>& images, std::string& text,
                    std::string& err) {
    std::error_code ec;
    Namer nm{fs::current_path(ec), fs::absolute(a.build_dir, ec).lexically_normal()};
    for (const char* dir : {"rootfs", "kernel-config"})
        if (!fs::is_directory(dir, ec)) {
            err = std::string(dir) + ": not found (run seedboot release from the repository root)";
            return false;
        }
    Inputs inputs;
    if (!add_specs(a, images, nm, inputs, err) || !add_path(nm, "rootfs", inputs, err) ||
        !add_path(nm, "kernel-config", inputs, err))
        return false;
    text = "version " SEEDBOOT_VERSION "\n";
    for (const auto& [path, hex] : inputs) text += hex + "  " + path + "\n";
    return true;
}

bool load_key(const std::string& path, ms::SecretKey& sk, std::string& err) {
    const char* env = std::getenv("SEEDBOOT_KEY_PASSWORD");
    std::string password = env ? env : "";
    bool ok = ms::load_secret_key(path, env ? &password : nullptr, sk, err);
    sodium_memzero(password.data(), password.size());
    return ok;
}

bool sign_one(const ms::SecretKey& sk, const std::string& file, const std::string& name,
              const std::string& extra, std::string& err) {
    ms::Signature sig;
    std::string out = file + ".minisig." + name;
    if (!ms::sign_file(sk, file, extra, sig, err) ||
        !write_text(out, ms::format_signature(sig), err))
        return false;
    std::printf("seedboot: signed %s with key %s -> %s\n", file.c_str(),
                ms::key_id_hex(sk.id).c_str(), out.c_str());
    return true;
}

} // namespace

int cmd_release(const ReleaseArgs& a) {
    if (a.name.find_first_of("/\n") != std::string::npos)
        return error("--name '" + a.name + "' (expected a name without '/' for FILE.minisig.NAME)");
    std::string err, inputs;
    ms::SecretKey sk;
    std::set<std::string> images;
    if (!load_key(a.key, sk, err) || !check_sums(a.dir, images, err)) return error(err);
    std::printf("seedboot: %zu files match %s/SHA256SUMS\n", images.size(), a.dir.c_str());
    if (!collect_inputs(a, images, inputs, err) || !write_text(a.dir + "/INPUTS", inputs, err))
        return error(err);
    // Binds each signature to this exact pair: the SHA256SUMS signature also names INPUTS.
    std::string extra =
        "release:seedboot-" SEEDBOOT_VERSION " inputs:" + seedboot::sha256_hex(inputs);
    std::string name = a.name.empty() ? ms::key_id_hex(sk.id) : a.name;
    for (const char* file : {"SHA256SUMS", "INPUTS"})
        if (!sign_one(sk, a.dir + "/" + file, name, extra, err)) return error(err);
    return 0;
}

} // namespace builder

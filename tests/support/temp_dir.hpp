// A temporary folder for a test, removed with everything in it afterwards.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

struct TempDir {
    std::string path;

    TempDir() {
        char tmpl[] = "/tmp/seedboot-test-XXXXXX";
        if (!::mkdtemp(tmpl)) throw std::runtime_error("mkdtemp /tmp/seedboot-test-XXXXXX failed");
        path = tmpl;
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    // path/rel, not made.
    std::string file(const std::string& rel) const { return path + "/" + rel; }

    // Writes `content` to path/rel (making its folders) and returns the full path.
    std::string write(const std::string& rel, const std::string& content) const {
        std::filesystem::path p = std::filesystem::path(path) / rel;
        std::filesystem::create_directories(p.parent_path());
        std::ofstream(p, std::ios::binary | std::ios::trunc) << content;
        return p.string();
    }
};

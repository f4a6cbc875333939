// Whole files and test data for the unit tests.
#pragma once

#include <cstdint>
#include <fstream>
#include <iterator>
#include <string>

// A whole file as a string ("" if it cannot be read).
inline std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Replaces the file at `path` with `content`; false if it could not.
inline bool spit(const std::string& path, const std::string& content) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << content;
    return out.flush().good();
}

// Deterministic, incompressible bytes (splitmix64).
inline std::string noise(size_t n, uint64_t seed) {
    std::string s(n, '\0');
    uint64_t x = seed;
    for (size_t i = 0; i < n; ++i) {
        if (i % 8 == 0) x += 0x9E3779B97F4A7C15ull;
        uint64_t z = x;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        z ^= z >> 31;
        s[i] = char(z >> (8 * (i % 8)));
    }
    return s;
}

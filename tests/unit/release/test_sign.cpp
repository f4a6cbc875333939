// Signing: minisign interop both ways with /usr/bin/minisign, determinism, every error
// message, and the M-of-N trust rule.
#include "builder/release/minisign/minisign.hpp"

#include "libseedboot/sys/sha256.hpp"

#include "tests/support/files.hpp"
#include "tests/support/shell.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>
#include <sodium.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <sstream>
#include <sys/wait.h>

namespace ms = builder::minisign;

namespace {

// Made by minisign 0.11 with `printf 'pw\npw\n' | minisign -G -p pk -s sk`: its real
// encrypted format (scrypt, opslimit 2^25, memlimit 1 GiB), password "pw".
const char* kMinisignEncryptedKey =
    "untrusted comment: minisign encrypted secret key\n"
    "RWRTY0Iy+IIBqfxYxsWHvsAEBhUpO4xmfoLW8anHJSc0FoE8QpwAAAACAAAAAAAAAEAAAAAAcrqw0r+3dGGK3cJW2"
    "OY/UaSh/TFZ3/F4cvAZVXE5cGyHU6WKvcbVbqu7QDkvi6zEepzJuiXpN86t0bwdGM7fePWqeqmB2u1V/M1WVDcbbeh"
    "hQZS2THR2mlTRRa0oRs5zAqe141EXof4=\n";
const char* kMinisignEncryptedPub = "untrusted comment: minisign public key 6076FA3925CCEB64\n"
                                    "RWRk68wlOfp2YMFCt39mF8Js3x9sW0cykd5XMpHU6Xla7nrGTnFQ3KmT\n";

// A key pair on disk: NAME.key and NAME.pub under the temp dir.
struct Keys {
    ms::SecretKey sk;
    ms::PublicKey pk;
    std::string sec, pub;
    Keys(const TempDir& t, const std::string& name) {
        ms::generate(sk, pk);
        sec = t.write(name + ".key", ms::format_secret_key_file(sk));
        pub = t.write(name + ".pub", ms::format_public_key_file(pk));
    }
    std::string id() const { return ms::key_id_hex(pk.id); }
};

void sign_to(const ms::SecretKey& sk, const std::string& file, const std::string& sig_path,
             const std::string& extra = "") {
    ms::Signature sig;
    std::string err;
    REQUIRE(ms::sign_file(sk, file, extra, sig, err));
    std::ofstream(sig_path, std::ios::binary | std::ios::trunc) << ms::format_signature(sig);
}

// Checks `sig_path` over `file` with the public key file `pub`; returns the error or "".
std::string verify_error(const std::string& pub, const std::string& file,
                         const std::string& sig_path) {
    ms::PublicKey pk;
    ms::Signature sig;
    std::string err;
    if (ms::load_public_key(pub, pk, err) && ms::load_signature(sig_path, sig, err) &&
        ms::verify_file(pk, file, sig, sig_path, err))
        return "";
    return err;
}

std::string sig_error(const std::string& text) {
    ms::Signature sig;
    std::string err;
    CHECK_FALSE(ms::parse_signature(text, "x.minisig", sig, err));
    return err;
}

std::string trust_error(const std::string& text) {
    ms::Trust t;
    std::string err;
    CHECK_FALSE(ms::parse_trust(text, "trust", t, err));
    return err;
}

std::string b64(const std::string& bin) {
    std::string out(sodium_base64_ENCODED_LEN(bin.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
    sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bin.data()),
                      bin.size(), sodium_base64_VARIANT_ORIGINAL);
    out.resize(out.size() - 1);
    return out;
}

std::string unb64(const std::string& text) {
    std::string out(text.size(), '\0');
    size_t len = 0;
    REQUIRE(sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(),
                              text.size(), nullptr, &len, nullptr,
                              sodium_base64_VARIANT_ORIGINAL) == 0);
    out.resize(len);
    return out;
}

std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string l; std::getline(in, l);) out.push_back(l);
    return out;
}

std::string unlines(const std::vector<std::string>& v) {
    std::string out;
    for (const auto& l : v) out += l + "\n";
    return out;
}

} // namespace

TEST_CASE("minisign verifies our signatures and we verify minisign's", "[sign]") {
    TempDir t;
    std::string file = t.write("root.img", std::string(200000, 'x') + "end\n");
    std::string d = t.path + "/";

    SECTION("a key made by minisign -G -W signs here; minisign -V checks it") {
        REQUIRE(shell("minisign -G -W -p " + d + "m.pub -s " + d + "m.key").status == 0);
        ms::SecretKey sk;
        std::string err;
        REQUIRE(ms::load_secret_key(d + "m.key", nullptr, sk, err));
        sign_to(sk, file, file + ".minisig", "arch=x86_64 spec=default");
        ShellResult v = shell("minisign -V -p " + d + "m.pub -m " + file);
        CHECK(v.status == 0);
        CHECK_THAT(v.output, Catch::Contains("Trusted comment: file:root.img size:200004 sha256:"));
        CHECK_THAT(v.output, Catch::Contains(" arch=x86_64 spec=default"));
        // And the other way: minisign's own signature, prehashed and legacy.
        REQUIRE(shell("minisign -S -s " + d + "m.key -m " + file).status == 0);
        CHECK(verify_error(d + "m.pub", file, file + ".minisig") == "");
        REQUIRE(shell("minisign -S -l -s " + d + "m.key -x " + d + "legacy.minisig -m " + file)
                    .status == 0);
        ms::Signature legacy;
        REQUIRE(ms::load_signature(d + "legacy.minisig", legacy, err));
        CHECK_FALSE(legacy.prehashed);
        CHECK(verify_error(d + "m.pub", file, d + "legacy.minisig") == "");
    }

    SECTION("a key pair written here is a minisign key pair") {
        Keys k(t, "ours");
        REQUIRE(shell("minisign -S -s " + k.sec + " -m " + file).status == 0);
        CHECK(shell("minisign -V -p " + k.pub + " -m " + file).status == 0);
        CHECK(verify_error(k.pub, file, file + ".minisig") == "");
        // minisign derives the same public key from our secret key file.
        REQUIRE(shell("minisign -R -s " + k.sec + " -p " + d + "again.pub").status == 0);
        CHECK(lines(slurp(d + "again.pub")).at(1) == ms::public_key_base64(k.pk));
        CHECK(lines(slurp(k.pub)).at(0) == "untrusted comment: minisign public key " + k.id());
    }
}

TEST_CASE("encrypted secret keys: minisign's, and ours read by minisign", "[sign]") {
    TempDir t;
    std::string file = t.write("f", "payload\n");
    std::string pw = "pw", wrong = "wrong";
    ms::SecretKey sk;
    std::string err;
    std::string sec = t.write("enc.key", kMinisignEncryptedKey);

    CHECK_FALSE(ms::load_secret_key(sec, nullptr, sk, err));
    CHECK(err == sec +
                     " is encrypted with a password: set SEEDBOOT_KEY_PASSWORD to it, or remove "
                     "the password with `minisign -C -W -s " +
                     sec + "`");
    REQUIRE(ms::load_secret_key(sec, &pw, sk, err)); // scrypt with 1 GiB: a few seconds
    CHECK(ms::key_id_hex(sk.id) == "6076FA3925CCEB64");
    std::string pub = t.write("enc.pub", kMinisignEncryptedPub);
    sign_to(sk, file, file + ".minisig");
    CHECK(shell("minisign -V -p " + pub + " -m " + file).status == 0);

    // Ours, with small scrypt limits (the file records them): minisign decrypts it.
    Keys k(t, "plain");
    std::string text;
    REQUIRE(ms::format_encrypted_secret_key_file(k.sk, pw, 32768, 16 << 20, text, err));
    std::string ours = t.write("ours.key", text);
    CHECK_FALSE(ms::load_secret_key(ours, &wrong, sk, err));
    CHECK(err == ours + ": wrong password in SEEDBOOT_KEY_PASSWORD (the key checksum does not "
                        "match)");
    REQUIRE(ms::load_secret_key(ours, &pw, sk, err));
    CHECK(sk.sk == k.sk.sk);
    REQUIRE(shell("printf 'pw\\n' | minisign -S -s " + ours + " -m " + file).status == 0);
    CHECK(verify_error(k.pub, file, file + ".minisig") == "");
}

TEST_CASE("signing is deterministic and the trusted comment has no timestamp", "[sign]") {
    TempDir t;
    Keys k(t, "k");
    std::string file = t.write("dir/image.squashfs", "the same bytes\n");
    sign_to(k.sk, file, t.path + "/a.minisig", "arch=x86_64 spec=default");
    sign_to(k.sk, file, t.path + "/b.minisig", "arch=x86_64 spec=default");
    std::string a = slurp(t.path + "/a.minisig");
    CHECK(a == slurp(t.path + "/b.minisig"));
    auto l = lines(a);
    REQUIRE(l.size() == 4);
    CHECK(l[0] == "untrusted comment: signature from seedboot secret key " + k.id());
    CHECK(l[2] == "trusted comment: file:image.squashfs size:15 sha256:" +
                      seedboot::sha256_hex("the same bytes\n") + " arch=x86_64 spec=default");
    CHECK(unb64(l[1]).substr(0, 2) == "ED");
}

TEST_CASE("verification errors say which signature, which key, what was altered", "[sign]") {
    TempDir t;
    Keys alice(t, "alice"), bob(t, "bob");
    std::string file = t.write("root.img", "release bytes\n");
    std::string sig = file + ".minisig";
    sign_to(alice.sk, file, sig);
    REQUIRE(verify_error(alice.pub, file, sig) == "");
    std::string good = slurp(sig);

    SECTION("wrong key") {
        CHECK(verify_error(bob.pub, file, sig) ==
              sig + ": signed by key " + alice.id() + ", expected " + bob.id());
    }
    SECTION("tampered file") {
        t.write("root.img", "release bytes!\n");
        CHECK(verify_error(alice.pub, file, sig) == sig + ": signature does not match " + file);
    }
    SECTION("tampered trusted comment") {
        auto l = lines(good);
        l[2] += " arch=aarch64";
        t.write("root.img.minisig", unlines(l));
        CHECK(verify_error(alice.pub, file, sig) == "trusted comment of " + sig + " was altered");
    }
    SECTION("legacy 'Ed' over the wrong file, and an unknown algorithm") {
        auto l = lines(good);
        std::string raw = unb64(l[1]);
        raw[1] = 'd';
        l[1] = b64(raw);
        t.write("root.img.minisig", unlines(l));
        CHECK(verify_error(alice.pub, file, sig) == sig + ": signature does not match " + file);
        raw[0] = 'X', raw[1] = 'X';
        l[1] = b64(raw);
        t.write("root.img.minisig", unlines(l));
        CHECK(verify_error(alice.pub, file, sig) ==
              sig + ":2: unsupported signature algorithm 'XX' (expected 'ED', prehashed "
                    "Ed25519, or the legacy 'Ed')");
    }
    SECTION("truncated and garbled signature files") {
        auto l = lines(good);
        CHECK(sig_error(l[0] + "\n" + l[1] + "\n") ==
              "x.minisig: truncated: expected 4 lines (untrusted comment, signature, trusted "
              "comment, global signature), found 2");
        CHECK(sig_error("") == "x.minisig: truncated: expected 4 lines (untrusted comment, "
                               "signature, trusted comment, global signature), found 0");
        CHECK(sig_error("hello\n" + l[1] + "\n" + l[2] + "\n" + l[3] + "\n") ==
              "x.minisig:1: expected 'untrusted comment: ...', found 'hello'");
        CHECK(sig_error(l[0] + "\n" + l[1].substr(0, 60) + "\n" + l[2] + "\n" + l[3] + "\n") ==
              "x.minisig:2: expected a signature: base64 of 'ED' | key id (8 bytes) | Ed25519 "
              "signature (64 bytes), 100 characters, found '" +
                  l[1].substr(0, 40) + "...'");
        CHECK(sig_error(l[0] + "\n" + l[1] + "\n" + l[2].substr(8) + "\n" + l[3] + "\n") ==
              "x.minisig:3: expected 'trusted comment: ...', found '" + l[2].substr(8, 40) +
                  "...'");
        CHECK(sig_error(l[0] + "\n" + l[1] + "\n" + l[2] + "\n" + "AAAA\n") ==
              "x.minisig:4: expected the global signature: base64 of 64 bytes, 88 characters, "
              "found 'AAAA'");
        CHECK(sig_error(good + "\nmore\n") ==
              "x.minisig:6: unexpected content after the global signature");
        std::string err;
        ms::Signature s;
        CHECK_FALSE(ms::load_signature(t.path + "/none.minisig", s, err));
        CHECK(err == t.path + "/none.minisig: cannot read the signature file: No such file or "
                              "directory");
    }
    SECTION("wrong public key file format") {
        CHECK(verify_error(sig, file, sig) ==
              sig +
                  ":2: expected a minisign public key: base64 of 'Ed' | key id (8 bytes) | "
                  "Ed25519 key (32 bytes), 56 characters, found '" +
                  lines(good)[1].substr(0, 40) + "...' (a signature)");
        CHECK(verify_error(alice.sec, file, sig).ends_with("...' (a secret key)"));
        std::string one = t.write("one.pub", ms::public_key_base64(alice.pk) + "\n");
        CHECK(verify_error(one, file, sig) ==
              one + ": expected a minisign public key file: 2 lines (untrusted comment, key), "
                    "found 1");
        std::string raw = unb64(ms::public_key_base64(alice.pk));
        raw[1] = 'D';
        std::string ed = t.write("ed.pub", "untrusted comment: x\n" + b64(raw) + "\n");
        CHECK(verify_error(ed, file, sig) ==
              ed + ":2: unsupported public key algorithm 'ED' (expected 'Ed', Ed25519)");
    }
}

TEST_CASE("secret key files: garbled, corrupt, or the wrong kind", "[sign]") {
    TempDir t;
    Keys k(t, "k");
    ms::SecretKey sk;
    std::string err;
    auto l = lines(slurp(k.sec));
    CHECK(l[0] == "untrusted comment: seedboot secret key " + k.id());
    std::string raw = unb64(l[1]);

    CHECK_FALSE(ms::load_secret_key(k.pub, nullptr, sk, err));
    CHECK(err == k.pub + ":2: expected a minisign secret key: base64 of 158 bytes, 212 "
                         "characters (this is a public key)");
    std::string bad = raw;
    bad[100] ^= 1; // inside sk: the checksum catches it
    std::string p = t.write("bad.key", l[0] + "\n" + b64(bad) + "\n");
    CHECK_FALSE(ms::load_secret_key(p, nullptr, sk, err));
    CHECK(err == p + ": the key checksum does not match: the file is corrupt");
    bad = raw;
    bad[2] = 'X', bad[3] = 'Y';
    t.write("bad.key", l[0] + "\n" + b64(bad) + "\n");
    CHECK_FALSE(ms::load_secret_key(p, nullptr, sk, err));
    CHECK(err == p + ":2: unsupported key derivation 'XY' (expected 'Sc', scrypt, or none)");
}

TEST_CASE("trust files: threshold and named keys, checked line by line", "[sign]") {
    TempDir t;
    Keys a(t, "a"), b(t, "b");
    std::string ka = ms::public_key_base64(a.pk), kb = ms::public_key_base64(b.pk);
    ms::Trust trust;
    std::string err;
    REQUIRE(ms::parse_trust("# seedboot trust file\nthreshold 2\n\nkey alice " + ka +
                                "\nkey bob\t" + kb + "  # the second builder\n",
                            "trust", trust, err) == false);
    CHECK(err == "trust:5: expected 'key NAME PUBLICKEY' (three words)");
    REQUIRE(ms::parse_trust("threshold 2\nkey alice " + ka + "\nkey bob\t" + kb + "\n", "trust",
                            trust, err));
    CHECK(trust.threshold == 2);
    REQUIRE(trust.keys.size() == 2);
    CHECK(trust.keys[1].name == "bob");
    CHECK(trust.keys[1].key.id == b.pk.id);

    CHECK(trust_error("threshold 3\nkey alice " + ka + "\nkey bob " + kb + "\n") ==
          "trust:1: threshold 3 is more than the 2 keys listed");
    CHECK(trust_error("key alice " + ka + "\n") ==
          "trust: no 'threshold N' line (how many distinct keys must have signed)");
    CHECK(trust_error("threshold 1\n") ==
          "trust: no 'key NAME PUBLICKEY' line (expected at least one trusted key)");
    CHECK(trust_error("threshold 0\nkey alice " + ka + "\n") ==
          "trust:1: expected 'threshold N' with N a number from 1 to 1000");
    CHECK(trust_error("threshold 1\nthreshold 1\n") ==
          "trust:2: threshold given twice (first on line 1)");
    CHECK(trust_error("threshold 1\nkey alice " + ka + "\nkey alice " + kb + "\n") ==
          "trust:3: key name 'alice' given twice (first on line 2)");
    CHECK(trust_error("threshold 1\nkey alice " + ka + "\nkey bob " + ka + "\n") ==
          "trust:3: key " + a.id() + " is listed twice, as 'alice' and 'bob' (first on line 2)");
    CHECK(trust_error("treshold 1\n") ==
          "trust:1: expected 'threshold N' or 'key NAME PUBLICKEY', found 'treshold'");
    CHECK(trust_error("threshold 1\nkey al/ice " + ka + "\n") ==
          "trust:2: key name 'al/ice' is not 1-64 of [A-Za-z0-9._+-]");
    CHECK(trust_error("threshold 1\nkey alice RWQ=\n") ==
          "trust:2: expected a minisign public key: base64 of 'Ed' | key id (8 bytes) | Ed25519 "
          "key (32 bytes), 56 characters, found 'RWQ='");
}

TEST_CASE("M of N: 3 trusted keys, threshold 2", "[sign]") {
    TempDir t;
    Keys alice(t, "alice"), bob(t, "bob"), carol(t, "carol"), mallory(t, "mallory");
    std::string trust_path = t.write("trust", "# seedboot trust file\nthreshold 2\nkey alice " +
                                                  ms::public_key_base64(alice.pk) + "\nkey bob   " +
                                                  ms::public_key_base64(bob.pk) + "\nkey carol " +
                                                  ms::public_key_base64(carol.pk) + "\n");
    ms::Trust trust;
    std::string err;
    REQUIRE(ms::load_trust(trust_path, trust, err));
    std::string file = t.write("root.img", "reproducible bytes\n");
    // Something that must not be mistaken for a signature of root.img.
    t.write("root.img.gz", "other\n");
    sign_to(mallory.sk, t.path + "/root.img.gz", t.path + "/root.img.gz.minisig");
    ms::TrustResult r;

    SECTION("no signatures") {
        CHECK_FALSE(ms::verify_with_trust(trust, file, r, err));
        CHECK(err == file +
                         ": 0 of 2 required signatures: signed by no trusted key; missing "
                         "alice, bob, carol (no signature file: looked for " +
                         file + ".minisig and " + file + ".minisig.NAME)");
    }
    SECTION("two valid signatures pass and name the signers") {
        sign_to(alice.sk, file, file + ".minisig");
        sign_to(bob.sk, file, file + ".minisig.bob");
        // The same key twice still counts once.
        sign_to(alice.sk, file, file + ".minisig.alice-again");
        REQUIRE(ms::verify_with_trust(trust, file, r, err));
        CHECK(err == "");
        CHECK(r.rejected.empty());
        CHECK(ms::describe(trust, r) ==
              "2 of 2 required signatures: signed by alice, bob; missing carol");
        CHECK(ms::signature_files(file) == std::vector<std::string>{file + ".minisig",
                                                                    file + ".minisig.alice-again",
                                                                    file + ".minisig.bob"});
    }
    SECTION("one valid and one by an untrusted key fail, naming the missing") {
        sign_to(alice.sk, file, file + ".minisig.alice");
        sign_to(mallory.sk, file, file + ".minisig.mallory");
        CHECK_FALSE(ms::verify_with_trust(trust, file, r, err));
        CHECK(err == file + ": 1 of 2 required signatures: signed by alice; missing bob, carol");
        CHECK(r.rejected ==
              std::vector<std::string>{file + ".minisig.mallory: signed by key " + mallory.id() +
                                       ", which is not in " + trust_path});
    }
    SECTION("a signature whose trusted comment was altered does not count") {
        sign_to(alice.sk, file, file + ".minisig.alice");
        sign_to(carol.sk, file, file + ".minisig.carol", "arch=x86_64");
        std::string carol_sig = file + ".minisig.carol";
        auto l = lines(slurp(carol_sig));
        l[2] = l[2].substr(0, l[2].size() - 6) + "aarch64";
        std::ofstream(carol_sig, std::ios::trunc) << unlines(l);
        CHECK_FALSE(ms::verify_with_trust(trust, file, r, err));
        CHECK(err == file + ": 1 of 2 required signatures: signed by alice; missing bob, carol");
        CHECK(r.rejected ==
              std::vector<std::string>{"trusted comment of " + carol_sig + " was altered"});
    }
    SECTION("a tampered file fails every signature") {
        sign_to(alice.sk, file, file + ".minisig.alice");
        sign_to(bob.sk, file, file + ".minisig.bob");
        t.write("root.img", "different bytes\n");
        CHECK_FALSE(ms::verify_with_trust(trust, file, r, err));
        CHECK(err == file + ": 0 of 2 required signatures: signed by no trusted key; missing "
                            "alice, bob, carol");
        CHECK(r.rejected.size() == 2);
    }
}

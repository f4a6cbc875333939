// The entries of an image as the writer lays them out: a checked tree of nodes, every
// directory's children sorted by name, the files in the order their data is written and the
// inodes in the order they are numbered (see tree.cpp).
#pragma once

#include "squashfs.hpp"

#include <sqfs/inode.h>

#include <memory>
#include <string>
#include <vector>

namespace builder::squashfs {

struct Node {
    const ImageEntry* entry = nullptr;
    std::string name;            // last path component; empty for the root
    Node* parent = nullptr;      // null for the root
    std::vector<Node*> children; // sorted by name, bytewise (as strcmp)
    size_t subdirs = 0;
    uint32_t inode_num = 0; // 1..N in write order; the root is N
    uint64_t inode_ref = 0; // (meta block offset << 16) | offset in block, once written
    // For files: the inode that the block processor creates, keeps updating and may
    // reallocate until sqfs_block_processor_finish returns. The processor holds the
    // address of this member, which is why nodes never move (they live behind
    // unique_ptrs) and must outlive the processor.
    sqfs_inode_generic_t* file_inode = nullptr;

    Node() = default;
    Node(const Node&) = delete;
    Node& operator=(const Node&) = delete;
    ~Node() { sqfs_free(file_inode); }
};

struct Tree {
    std::vector<std::unique_ptr<Node>> storage;
    Node* root = nullptr;
    // Inode order (see collect_inode_order): every node after its children, as a
    // directory's listing needs its children's inode locations.
    std::vector<Node*> order;
    std::vector<Node*> files; // regular files, depth first: the order of their data
};

// Builds the tree of `entries` for `image` (named in errors): every path checked, every
// parent present, none listed twice.
[[nodiscard]] bool build_tree(const std::vector<ImageEntry>& entries, const std::string& image,
                              Tree& tree, std::string& err);

} // namespace builder::squashfs

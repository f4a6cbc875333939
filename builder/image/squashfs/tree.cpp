// The writer's tree; see tree.hpp.
#include "tree.hpp"

#include "sqfs.hpp"

#include <algorithm>
#include <map>
#include <string_view>

namespace builder::squashfs {

namespace {

// "/" or "/name(/name)*" with valid names; fills `why` otherwise.
[[nodiscard]] bool check_path(const std::string& path, std::string& why) {
    if (path == "/") return true;
    if (path.empty() || path[0] != '/') {
        why = "path is not absolute";
        return false;
    }
    if (path.size() > kMaxPathBytes) {
        why = "path is longer than " + std::to_string(kMaxPathBytes) + " bytes";
        return false;
    }
    size_t start = 1;
    while (start <= path.size()) {
        size_t end = std::min(path.find('/', start), path.size());
        if (!is_valid_name(std::string_view(path).substr(start, end - start))) {
            why = "path has an empty, \".\", \"..\" or over-long component, or a NUL byte";
            return false;
        }
        start = end + 1;
    }
    return true;
}

[[nodiscard]] bool check_entry(const ImageEntry& e, std::string& why) {
    if (!check_path(e.path, why)) return false;
    if ((e.mode & ~uint32_t{07777}) != 0) {
        why = "mode has bits outside 07777";
        return false;
    }
    switch (e.type) {
    case 'd':
        if (!e.host_file.empty() || !e.data.empty()) why = "a directory takes no host_file or data";
        break;
    case 'f':
        if (!e.host_file.empty() && !e.data.empty())
            why = "a file takes host_file or data, not both";
        break;
    case 'l':
        if (!e.host_file.empty())
            why = "a symlink takes no host_file";
        else if (e.data.empty())
            why = "a symlink needs a target in data";
        else if (e.data.find('\0') != std::string::npos)
            why = "symlink target has a NUL byte";
        break;
    default:
        why = "unknown type '" + std::string(1, e.type) + "' (want d, f or l)";
    }
    return why.empty();
}

std::string parent_path(const std::string& path) {
    size_t slash = path.rfind('/');
    return slash == 0 ? "/" : path.substr(0, slash);
}

[[nodiscard]] bool add_nodes(const std::vector<ImageEntry>& entries, const std::string& image,
                             Tree& tree, std::map<std::string_view, Node*>& by_path,
                             std::string& err) {
    for (const ImageEntry& e : entries) {
        std::string why;
        if (!check_entry(e, why)) {
            err = image + ": entry " + quoted(e.path) + ": " + why;
            return false;
        }
        auto node = std::make_unique<Node>();
        node->entry = &e;
        if (e.path != "/") node->name = e.path.substr(e.path.rfind('/') + 1);
        if (!by_path.emplace(e.path, node.get()).second) {
            err = image + ": entry " + quoted(e.path) + " is listed twice";
            return false;
        }
        tree.storage.push_back(std::move(node));
    }
    return true;
}

[[nodiscard]] bool link_nodes(const std::map<std::string_view, Node*>& by_path,
                              const std::string& image, Tree& tree, std::string& err) {
    auto root = by_path.find("/");
    if (root == by_path.end() || root->second->entry->type != 'd') {
        err = image + ": the entries have no root directory \"/\"";
        return false;
    }
    tree.root = root->second;
    for (const auto& [path, node] : by_path) {
        if (node == tree.root) continue;
        std::string parent = parent_path(node->entry->path);
        auto it = by_path.find(parent);
        if (it == by_path.end() || it->second->entry->type != 'd') {
            err = image + ": entry " + quoted(path) + ": parent directory " + quoted(parent) +
                  (it == by_path.end() ? " is not in the entries" : " is not a directory");
            return false;
        }
        node->parent = it->second;
        node->parent->children.push_back(node);
        if (node->entry->type == 'd') node->parent->subdirs++;
    }
    return true;
}

// Sorts every directory's children and lists the files in depth-first order,
// the order their data is written in.
void collect_files(Node* dir, std::vector<Node*>& files) {
    std::sort(dir->children.begin(), dir->children.end(),
              [](const Node* a, const Node* b) { return a->name < b->name; });
    for (Node* child : dir->children) {
        if (child->entry->type == 'd')
            collect_files(child, files);
        else if (child->entry->type == 'f')
            files.push_back(child);
    }
}

// Inode order below `dir` (the root comes last, after this): the subtrees of its
// subdirectories first, then all its children one after the other, as
// gensquashfs numbers them. Siblings then sit side by side in the inode table,
// so a directory listing needs few headers and the tables compress better than
// in plain post order. Every directory still comes after its children.
void collect_inode_order(const Node* dir, std::vector<Node*>& order) {
    for (Node* child : dir->children) {
        if (child->entry->type == 'd') collect_inode_order(child, order);
    }
    order.insert(order.end(), dir->children.begin(), dir->children.end());
}

} // namespace

[[nodiscard]] bool build_tree(const std::vector<ImageEntry>& entries, const std::string& image,
                              Tree& tree, std::string& err) {
    std::map<std::string_view, Node*> by_path;
    if (!add_nodes(entries, image, tree, by_path, err)) return false;
    if (!link_nodes(by_path, image, tree, err)) return false;
    collect_files(tree.root, tree.files);
    collect_inode_order(tree.root, tree.order);
    tree.order.push_back(tree.root);
    for (size_t i = 0; i < tree.order.size(); ++i) tree.order[i]->inode_num = uint32_t(i + 1);
    return true;
}

} // namespace builder::squashfs

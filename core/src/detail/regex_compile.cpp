// Regex compiler: regex_tree -> Thompson NFA program (regex.hpp). The program's size, counting
// the copies that bounded repeats expand into, is computed before anything is emitted, so a
// pattern such as `(a{1000}){1000}` is refused without first building a million instructions.
#include <string>   // std::to_string
#include <utility>  // std::move

#include "detail/regex.hpp"
#include "detail/regex_syntax.hpp"

namespace rollgate::detail {

struct regex_compiler {
  const regex_tree& tree;
  regex& out;

  // Instructions node `i` emits, saturating above the limit (so nothing overflows).
  std::size_t size_of(std::uint32_t i) const {
    constexpr std::size_t cap = kRegexMaxProgram + 1;
    const regex_node& n = tree.nodes[i];
    const auto clamp = [](std::size_t v) { return v > cap ? cap : v; };
    switch (n.kind) {
      case regex_node::empty:
        return 0;
      case regex_node::concat: {
        std::size_t s = 0;
        for (const auto c : n.children) s = clamp(s + size_of(c));
        return s;
      }
      case regex_node::alt: {
        std::size_t s = 2 * (n.children.size() - 1);  // a split and a jump per extra branch
        for (const auto c : n.children) s = clamp(s + size_of(c));
        return clamp(s);
      }
      case regex_node::repeat: {
        const std::size_t x = size_of(n.children[0]);
        if (n.max == kRegexUnbounded) {
          // {0,}: split, x, jump.  {m,}: m copies, the last followed by a split back.
          return n.min == 0 ? clamp(x + 2) : clamp(n.min * x + 1);
        }
        return clamp(n.min * x + (n.max - n.min) * (x + 1));  // each optional copy: split, x
      }
      default:
        return 1;
    }
  }

  std::uint32_t here() const { return static_cast<std::uint32_t>(out.program_.size()); }
  std::uint32_t emit(regex_inst::op_code op, std::uint32_t a = 0, std::uint32_t b = 0) {
    regex_inst inst;
    inst.op = op;
    inst.a = a;
    inst.b = b;
    out.program_.push_back(inst);
    return here() - 1;
  }

  void emit_node(std::uint32_t i) {
    const regex_node& n = tree.nodes[i];
    switch (n.kind) {
      case regex_node::empty:
        return;
      case regex_node::literal:
        emit(regex_inst::char_exact, n.value);
        return;
      case regex_node::fold:
        emit(regex_inst::char_fold, n.value);
        return;
      case regex_node::dot:
        emit(regex_inst::any_but_nl);
        return;
      case regex_node::dot_nl:
        emit(regex_inst::any);
        return;
      case regex_node::cls:
        emit(regex_inst::cls, n.value);
        return;
      case regex_node::assert_:
        emit(regex_inst::assert_, n.value);
        return;
      case regex_node::concat:
        for (const auto c : n.children) emit_node(c);
        return;
      case regex_node::alt: {
        // split L1, next; L1: a; jump end; next: split L2, next2; ... ; last branch
        std::vector<std::uint32_t> jumps;
        for (std::size_t k = 0; k + 1 < n.children.size(); ++k) {
          const std::uint32_t split = emit(regex_inst::split);
          out.program_[split].a = here();
          emit_node(n.children[k]);
          jumps.push_back(emit(regex_inst::jump));
          out.program_[split].b = here();
        }
        emit_node(n.children.back());
        for (const auto j : jumps) out.program_[j].a = here();
        return;
      }
      case regex_node::repeat:
        emit_repeat(n);
        return;
    }
  }

  void emit_repeat(const regex_node& n) {
    const std::uint32_t x = n.children[0];
    if (n.max == kRegexUnbounded) {
      if (n.min == 0) {  // L: split body, end; body; jump L
        const std::uint32_t loop = emit(regex_inst::split);
        out.program_[loop].a = here();
        emit_node(x);
        emit(regex_inst::jump, loop);
        out.program_[loop].b = here();
        return;
      }
      for (std::uint32_t k = 0; k + 1 < n.min; ++k) emit_node(x);
      const std::uint32_t body = here();  // body; split body, end
      emit_node(x);
      const std::uint32_t again = emit(regex_inst::split, body);
      out.program_[again].b = here();
      return;
    }
    for (std::uint32_t k = 0; k < n.min; ++k) emit_node(x);
    std::vector<std::uint32_t> splits;  // optional copies all skip to the same end
    for (std::uint32_t k = n.min; k < n.max; ++k) {
      const std::uint32_t s = emit(regex_inst::split);
      out.program_[s].a = here();
      splits.push_back(s);
      emit_node(x);
    }
    for (const auto s : splits) out.program_[s].b = here();
  }

  // True when every match must begin at offset 0 (lets search stop early).
  bool anchored(std::uint32_t i) const {
    const regex_node& n = tree.nodes[i];
    switch (n.kind) {
      case regex_node::assert_:
        return n.value == regex::text_begin;
      case regex_node::concat:
        return anchored(n.children[0]);
      case regex_node::alt:
        for (const auto c : n.children) {
          if (!anchored(c)) return false;
        }
        return true;
      case regex_node::repeat:
        return n.min >= 1 && anchored(n.children[0]);
      default:
        return false;
    }
  }

  void set_byte(std::uint32_t b) { out.first_bytes_[b >> 6] |= std::uint64_t{1} << (b & 63); }

  // The bytes a match can start on: search skips other positions while no thread is alive.
  // Conservative: any non-ASCII possibility admits every byte >= 0x80.
  void compute_first_bytes() {
    for (auto& w : out.first_bytes_) w = 0;
    std::vector<bool> seen(out.program_.size(), false);
    std::vector<std::uint32_t> stack{0};
    bool all = false;
    while (!stack.empty() && !all) {
      const std::uint32_t pc = stack.back();
      stack.pop_back();
      if (seen[pc]) continue;
      seen[pc] = true;
      const regex_inst& in = out.program_[pc];
      switch (in.op) {
        case regex_inst::split:
          stack.push_back(in.a);
          stack.push_back(in.b);
          break;
        case regex_inst::jump:
          stack.push_back(in.a);
          break;
        case regex_inst::assert_:
          stack.push_back(pc + 1);
          break;
        case regex_inst::char_exact:
          if (in.a < 0x80) {
            set_byte(in.a);
          } else {
            for (std::uint32_t b = 0x80; b < 0x100; ++b) set_byte(b);
          }
          break;
        case regex_inst::char_fold:
          set_byte(in.a);
          set_byte(in.a - 32);
          break;
        case regex_inst::cls: {
          const regex_class& c = out.classes_[in.a];
          out.first_bytes_[0] |= c.ascii[0];
          out.first_bytes_[1] |= c.ascii[1];
          if (!c.ranges.empty()) {
            for (std::uint32_t b = 0x80; b < 0x100; ++b) set_byte(b);
          }
          break;
        }
        default:  // any, any_but_nl, match (the empty string matches: every position)
          all = true;
          break;
      }
    }
    if (all) {
      for (auto& w : out.first_bytes_) w = ~0ull;
    }
  }
};

std::optional<regex> regex::compile(std::string_view pattern, const regex_options& options,
                                    regex_error* error) {
  regex_error local;
  regex_error& err = error != nullptr ? *error : local;
  auto tree = parse_regex(pattern, options, err);
  if (!tree) return std::nullopt;
  regex r;
  regex_compiler c{*tree, r};
  const std::size_t size = c.size_of(tree->root) + 1;  // + match
  if (size > kRegexMaxProgram) {
    err.offset = 0;
    err.message = "the compiled pattern needs more than " + std::to_string(kRegexMaxProgram) +
                  " instructions (bounded repeats are expanded): simplify it or lower the counts";
    return std::nullopt;
  }
  r.program_.reserve(size);
  c.emit_node(tree->root);
  c.emit(regex_inst::match);
  r.classes_ = std::move(tree->classes);
  r.anchored_ = c.anchored(tree->root);
  c.compute_first_bytes();
  return r;
}

}  // namespace rollgate::detail

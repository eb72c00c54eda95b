// The Pike VM (regex.hpp): runs the compiled program over the input, all threads in lock step.
// A thread is just a program counter (nothing is captured), kept in a sparse set per input
// position, so each instruction is visited at most twice per position: once when a thread
// reaches it through the epsilon closure (add), once when the threads read the code point
// (step). That is the linear bound, and the step counter proves it in the tests and the fuzzer.
#include "detail/regex.hpp"
#include "detail/utf8.hpp"  // decode_utf8

namespace rollgate::detail {

namespace {

// A sparse set of program counters (Briggs & Torczon): O(1) insert, test and clear.
struct pc_set {
  std::uint32_t* sparse;
  std::uint32_t* dense;
  std::uint32_t size = 0;

  bool contains(std::uint32_t pc) const noexcept {
    const std::uint32_t i = sparse[pc];
    return i < size && dense[i] == pc;
  }
  void insert(std::uint32_t pc) noexcept {
    sparse[pc] = size;
    dense[size++] = pc;
  }
};

bool is_word_byte(unsigned char c) noexcept {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

// Zero-width assertions need only the bytes around the position: the characters they look at
// (ASCII word characters, "\n") are single bytes, and a byte of a multi-byte character is never
// one of them.
bool assertion_holds(std::uint32_t kind, std::string_view in, std::size_t pos) noexcept {
  const bool has_prev = pos > 0;
  const bool has_next = pos < in.size();
  const auto prev = has_prev ? static_cast<unsigned char>(in[pos - 1]) : 0;
  const auto next = has_next ? static_cast<unsigned char>(in[pos]) : 0;
  switch (kind) {
    case regex::text_begin:
      return !has_prev;
    case regex::text_end:
      return !has_next;
    case regex::line_begin:
      return !has_prev || prev == '\n';
    case regex::line_end:
      return !has_next || next == '\n';
    case regex::word_edge:
      return (has_prev && is_word_byte(prev)) != (has_next && is_word_byte(next));
    default:  // not_word_edge
      return (has_prev && is_word_byte(prev)) == (has_next && is_word_byte(next));
  }
}

struct vm {
  const std::vector<regex_inst>& prog;
  std::string_view in;
  std::uint32_t* stack;
  std::uint64_t steps = 0;

  // Adds the epsilon closure of `pc` at byte position `pos` to `set`; true if it reaches match.
  bool add(pc_set& set, std::uint32_t start, std::size_t pos) noexcept {
    std::size_t top = 0;
    stack[top++] = start;
    while (top > 0) {
      const std::uint32_t pc = stack[--top];
      if (set.contains(pc)) continue;
      set.insert(pc);
      ++steps;
      const regex_inst& i = prog[pc];
      switch (i.op) {
        case regex_inst::jump:
          stack[top++] = i.a;
          break;
        case regex_inst::split:  // b below a: a is explored first (order does not change yes/no)
          stack[top++] = i.b;
          stack[top++] = i.a;
          break;
        case regex_inst::assert_:
          if (assertion_holds(i.a, in, pos)) stack[top++] = pc + 1;
          break;
        case regex_inst::match:
          return true;
        default:
          break;  // consuming instructions wait in the set for the next code point
      }
    }
    return false;
  }
};

}  // namespace

void regex_scratch::reserve(std::size_t program_size) {
  // Two sets (sparse + dense each) and the closure stack. Each pc enters a set once and pushes at
  // most two successors, so the stack never holds more than 2 x program_size + 1 entries.
  const std::size_t need = 4 * program_size + 2 * program_size + 2;
  if (memory_.size() < need) memory_.resize(need, 0);
}

regex::result regex::search(std::string_view input, regex_scratch& scratch,
                            std::uint64_t* steps) const {
  if (steps != nullptr) *steps = 0;
  if (input.size() > kRegexMaxInputBytes) return result::input_too_long;
  const std::size_t m = program_.size();
  scratch.reserve(m);
  std::uint32_t* base = scratch.memory_.data();
  pc_set sets[2] = {{base, base + m, 0}, {base + 2 * m, base + 3 * m, 0}};
  vm machine{program_, input, base + 4 * m};
  pc_set* cur = &sets[0];
  pc_set* next = &sets[1];
  const std::size_t n = input.size();
  std::size_t pos = 0;
  result r = result::no_match;
  while (true) {
    if (!anchored_ || pos == 0) {
      // While no thread is alive, skip to a byte a match can start on (a whole code point at a
      // time, so pos stays on a character boundary).
      while (!anchored_ && cur->size == 0 && pos < n) {
        const auto b = static_cast<unsigned char>(input[pos]);
        if ((first_bytes_[b >> 6] >> (b & 63)) & 1u) break;
        std::uint32_t ignored = 0;
        pos += decode_utf8(input, pos, ignored);
        ++machine.steps;
      }
      if (machine.add(*cur, 0, pos)) {
        r = result::match;
        break;
      }
    }
    if (cur->size == 0 || pos >= n) break;
    std::uint32_t cp = 0;
    const std::size_t len = decode_utf8(input, pos, cp);
    next->size = 0;
    bool found = false;
    for (std::uint32_t k = 0; k < cur->size && !found; ++k) {
      const std::uint32_t pc = cur->dense[k];
      const regex_inst& i = program_[pc];
      ++machine.steps;
      bool ok = false;
      switch (i.op) {
        case regex_inst::char_exact:
          ok = cp == i.a;
          break;
        case regex_inst::char_fold:
          ok = (cp | 0x20u) == i.a;
          break;
        case regex_inst::any_but_nl:
          ok = cp != '\n';
          break;
        case regex_inst::any:
          ok = true;
          break;
        case regex_inst::cls:
          ok = classes_[i.a].contains(cp);
          break;
        default:
          break;
      }
      if (ok) found = machine.add(*next, pc + 1, pos + len);
    }
    if (found) {
      r = result::match;
      break;
    }
    pc_set* t = cur;
    cur = next;
    next = t;
    pos += len;
  }
  if (steps != nullptr) *steps = machine.steps;
  return r;
}

regex::result regex::search(std::string_view input, std::uint64_t* steps) const {
  regex_scratch scratch;
  return search(input, scratch, steps);
}

}  // namespace rollgate::detail

// Reference solution to ex00.
#include <cmath>
#include <unordered_set>

#include "exercises.hpp"

namespace ex {

namespace {
// A new node made from `parents`, with the backward that sends its gradient back to them.
Value make(double data, std::vector<std::shared_ptr<ValueNode>> parents,
           std::function<void(const ValueNode&)> backward) {
  Value out(data);
  out.node->parents = std::move(parents);
  out.node->backward = std::move(backward);
  return out;
}
}  // namespace

Value operator+(const Value& a, const Value& b) {
  return make(a.data() + b.data(), {a.node, b.node}, [](const ValueNode& out) {
    out.parents[0]->grad += out.grad;  // d(a + b)/da = 1
    out.parents[1]->grad += out.grad;  // d(a + b)/db = 1  (+=: a and b may be one node)
  });
}

Value operator*(const Value& a, const Value& b) {
  return make(a.data() * b.data(), {a.node, b.node}, [](const ValueNode& out) {
    ValueNode &a = *out.parents[0], &b = *out.parents[1];
    a.grad += out.grad * b.data;  // d(ab)/da = b
    b.grad += out.grad * a.data;  // d(ab)/db = a
  });
}

Value tanh(const Value& x) {
  return make(std::tanh(x.data()), {x.node}, [](const ValueNode& out) {
    out.parents[0]->grad += out.grad * (1 - out.data * out.data);  // tanh' = 1 - tanh^2
  });
}

void Value::backward() const {
  // Topological order by a depth-first search with an explicit stack (no recursion): a node is
  // appended once all its parents are, so parents come before the nodes made from them.
  std::vector<ValueNode*> order;
  std::unordered_set<ValueNode*> seen{node.get()};
  std::vector<std::pair<ValueNode*, std::size_t>> stack{{node.get(), 0}};  // node, next parent
  while (!stack.empty()) {
    auto& [n, next] = stack.back();
    if (next < n->parents.size()) {
      ValueNode* p = n->parents[next++].get();
      if (seen.insert(p).second) stack.push_back({p, 0});
    } else {
      order.push_back(n);
      stack.pop_back();
    }
  }
  node->grad = 1;
  for (auto it = order.rbegin(); it != order.rend(); ++it)  // outputs first
    if ((*it)->backward) (*it)->backward(**it);
}

}  // namespace ex

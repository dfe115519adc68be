// A plain-text table with aligned columns, for vsctl's human output. Numbers are
// right-aligned so magnitudes line up; text is left-aligned.
#pragma once

#include <string>
#include <vector>

namespace vswitch::controlplane {

class TextTable {
 public:
  enum class Align { kLeft, kRight };
  struct Column {
    std::string title;
    Align align = Align::kLeft;
  };

  explicit TextTable(std::vector<Column> columns) : columns_(std::move(columns)) {}
  // Missing cells are blank; extra cells are an error in the caller and are dropped.
  void AddRow(std::vector<std::string> cells);
  // Two spaces between columns, no trailing spaces, one line per row after the title line.
  std::string ToString() const;

 private:
  std::vector<Column> columns_;
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace vswitch::controlplane

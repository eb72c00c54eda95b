// Prints the linked library's version: the smallest program that proves find_package(rollgate)
// works.
#include <iostream>

#include <rollgate/version.hpp>

int main() {
  std::cout << "rollgate " << rollgate::version() << '\n';
  return 0;
}

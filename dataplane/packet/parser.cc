// The parser is inline (packet/parser.h): it runs once per packet on the fast path.
// This file keeps the header self-contained and compiled on its own.
#include "packet/parser.h"

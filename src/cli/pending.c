#include "cli/cli.h"





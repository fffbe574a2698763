/* nm-atlas.c: to be written */
#include "config.h"
#include <cairo.h>

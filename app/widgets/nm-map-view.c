/* nm-map-view.c: to be written */
#include "config.h"
#include <gtk/gtk.h>

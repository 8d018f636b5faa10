/* SPDX-License-Identifier: GPL-2.0 */
/* The edu device type: its hooks, from edu_hooks.h. */
#ifndef _DRVHOOK_EDU_TYPE_H
#define _DRVHOOK_EDU_TYPE_H

#include "../../include/drvhook/edu.h"

#define DRVHOOK_TYPE		edu
#define DRVHOOK_HOOK_LIST	"edu_hooks.h"
#include "../core/drvhook_type.h"

#endif

// SPDX-License-Identifier: GPL-2.0
/* The edu type's struct_ops type, fallback attach points and setters. */
#define DRVHOOK_TYPE_DEFINE
#include "edu_type.h"

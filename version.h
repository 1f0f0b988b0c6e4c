/* SPDX-License-Identifier: GPL-2.0 */
/* The one place the oomlens version is written (`oomlens --version`, reports). */
#ifndef OOMLENS_VERSION_H
#define OOMLENS_VERSION_H

#define OL_VERSION	"0.1"

#endif

/* Libraries opened when a stage first needs them (dlopen), not when
 * paperbook starts: poppler and cairo, with the dozens of libraries they
 * bring (NSS, lcms, OpenJPEG, X11, pixman ...), are used only to read PDF
 * and HTML slide decks, yet mapping and relocating them at every start was
 * 28 M instructions and about 20 ms, a tenth of a warm build. The sonames
 * are those of the libraries built against (CMake reads them from the
 * libraries found). A library is opened once and never closed. */
#ifndef PB_DYNLIB_H
#define PB_DYNLIB_H

#include <stddef.h>

/* Opens soname (RTLD_NOW: every symbol bound now, RTLD_LOCAL: its symbols
 * stay out of the global scope). Returns the handle, or NULL with the
 * loader's reason in why. */
void *pb_dynlib_open(const char *soname, char *why, size_t whylen);

/* Looks name up in handle and its dependencies and stores the address in
 * *slot, a function pointer of slot_size bytes (the size of a data
 * pointer, as POSIX guarantees). Returns 0, or -1 with the reason in why. */
int pb_dynlib_sym(void *handle, const char *name, void *slot, size_t slot_size, char *why,
                  size_t whylen);

#endif

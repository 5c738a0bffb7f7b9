# The stage graph: the one place it is declared. README's stage table says
# the same in prose; tests/stages/check_includes.py reads this file and checks
# every #include "..." in src/ against it.
#
# Every stage is a folder of src/ and a library target (pb_<stage>). A file
# of a stage may include its own folder's headers and those of the stages
# its PB_USES_ line names, nothing else: the target sees only those folders
# and links PRIVATE to those stages. A .c file in src/ outside these folders
# stops the configure step.
#
# PB_STAGES is in pipeline order and a stage may use only stages listed
# before it, so the graph has no cycle. Where a header of a used stage
# includes a third stage's header (pdf.h includes layout.h, which includes
# plan.h), the user names that stage too; the include check enforces it.
set(PB_STAGES base model images read records import plan layout pdf export mail cli)

set(PB_USES_base)
set(PB_USES_model base)
set(PB_USES_images base)
set(PB_USES_read base model images)
set(PB_USES_records base model read)
set(PB_USES_import base model)
set(PB_USES_plan base model images read)
set(PB_USES_layout base model records plan)
set(PB_USES_pdf base model images plan layout)
set(PB_USES_export base model images read records plan)
set(PB_USES_mail base model images read plan)
set(PB_USES_cli base model images read records import plan layout pdf export mail)

# Headers of libraries only one stage may use: any other stage that includes
# one stops with an error naming the owner. (libcurl, libpng, zlib,
# libdeflate, libxml2's tree and HTML parser, GLib and fontconfig are shared
# by several stages and not listed: libdeflate compresses figures in images
# and page content in pdf.)
set(PB_OWNED_base unicode/ucol.h unicode/uclean.h)
set(PB_OWNED_images gif_lib.h jpeglib.h jerror.h webp/decode.h)
set(PB_OWNED_read cmark.h zip.h yaml.h poppler.h cairo.h)
set(PB_OWNED_records json.h)
set(PB_OWNED_layout qrencode.h hyphen.h linebreak.h hb.h hb-ot.h hb-subset.h)
set(PB_OWNED_pdf hpdf.h hpdf_catalog.h hpdf_doc.h hpdf_error.h hpdf_font.h hpdf_list.h
  hpdf_objects.h hpdf_pages.h hpdf_streams.h)
set(PB_OWNED_mail gmime/gmime.h)
set(PB_OWNING_STAGES base images read records layout pdf mail)

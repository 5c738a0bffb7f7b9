/* The link policy (src/model/links.h): a table of targets and their verdicts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "links.h"

static int failures;

static void expect(const char *raw, pb_links_class want, const char *clean) {
  pb_links_verdict v;
  pb_links_class got = pb_links_judge(raw, strlen(raw), &v);
  int ok = got == want && (!clean || (v.clean && strcmp(v.clean, clean) == 0));
  if (!ok) {
    failures++;
    printf("FAIL %-40s class %d (want %d) clean %s\n", raw, got, want, v.clean ? v.clean : "-");
  }
  pb_links_verdict_free(&v);
}

int main(void) {
  expect("https://arxiv.org/abs/1", PB_LINKS_WEB, "https://arxiv.org/abs/1");
  expect("  HTTPS://Example.org/A", PB_LINKS_WEB, "https://Example.org/A");
  expect("http://x/a b ", PB_LINKS_WEB, "http://x/a b ");
  expect("www.example.org/x", PB_LINKS_WEB, "https://www.example.org/x");
  expect("mailto:a@b.org", PB_LINKS_MAIL, "mailto:a@b.org");
  expect("MailTo:a@b.org", PB_LINKS_MAIL, "mailto:a@b.org");
  expect("mailto:a@b.org?subject=Hi&body=x%20y;%20z&cc=c@d.org", PB_LINKS_MAIL, NULL);
  expect("mailto:a@b.org;c@d.org", PB_LINKS_MAIL, NULL); /* two addresses */
  expect("#section-2", PB_LINKS_ANCHOR, NULL);
  expect("Slide/x.pptx", PB_LINKS_RELATIVE, "Slide/x.pptx");
  const char *refused[] = {"javascript:alert(1)",
                           "JaVaScRiPt:alert(1)",
                           "java\tscript:alert(1)",
                           "java\nscript:alert(1)",
                           " \x01javascript:alert(1)",
                           "&#106;avascript:alert(1)",
                           "&#x6A;avascript:alert(1)",
                           "&#106avascript:alert(1)",
                           "javascript&colon;alert(1)",
                           "javascript&#58;alert(1)",
                           "%6Aavascript:alert(1)",
                           "%256Aavascript:alert(1)",
                           "java\xe2\x80\x8bscript:alert(1)",
                           "\xef\xbb\xbfjavascript:alert(1)",
                           "vbscript:msgbox",
                           "VBScript:msgbox",
                           "file:///etc/passwd",
                           "FILE://host/share",
                           "data:text/html,<script>alert(1)</script>",
                           "smb://host/share",
                           "ms-settings:display",
                           "\\\\host\\share",
                           "//evil.example/x",
                           "/\\evil.example/x",
                           "/etc/passwd",
                           "C:\\Windows\\system32\\calc.exe",
                           "ftp://x/y",
                           "mailto:a@evil.example?attach=/home/u/.ssh/id_rsa",
                           "mailto:a@evil.example?subject=x&ATTACHMENT=file:///etc/passwd",
                           "mailto:a@evil.example?body=x&amp;att%61ch=~/.gnupg/secring.gpg",
                           "mailto:a@b.c?to=x?attach=/etc/passwd",
                           "mailto:a@b.c;attach=/home/u/.ssh/id_rsa",
                           "https://ok.example/\xe2\x80\xaegnp.exe",
                           "https://ok.example/%E2%80%AEgnp.exe",
                           "https://ok.example/\xe2\x81\xa6x",
                           "h%74tps://x",
                           "&#104;ttps://x",
                           "",
                           "   "};
  for (size_t i = 0; i < sizeof refused / sizeof *refused; i++)
    expect(refused[i], PB_LINKS_REFUSED, NULL);

  /* the back end's gates */
  struct {
    const char *s;
    int uri, gotor;
  } gates[] = {{"https://a.org/x", 1, 0},    {"mailto:x@y", 1, 0},          {"HTTPS://a.org", 0, 0},
               {" https://a.org", 0, 0},     {"javascript:x", 0, 0},        {"Slide/a.pdf", 0, 1},
               {"../Slide/a b.PDF", 0, 1},   {"../../x/../../a.pdf", 0, 0}, {"/abs/a.pdf", 0, 0},
               {"Slide\\a.pdf", 0, 0},       {"Slide/a.sh", 0, 0},          {"file:a.pdf", 0, 0},
               {"Slide/%2e%2e/a.pdf", 0, 0}, {"//host/a.pdf", 0, 0}};
  for (size_t i = 0; i < sizeof gates / sizeof *gates; i++) {
    if (pb_links_uri_allowed(gates[i].s) != gates[i].uri ||
        pb_links_gotor_allowed(gates[i].s) != gates[i].gotor) {
      failures++;
      printf("FAIL gate %s\n", gates[i].s);
    }
  }
  char *u = pb_links_file_url("https://github.com/o/r.git", 1, "Slide/a b.pptx");
  if (!u || strcmp(u, "https://github.com/o/r/blob/HEAD/Slide/a%20b.pptx") != 0) {
    failures++;
    printf("FAIL repo URL %s\n", u ? u : "(null)");
  }
  free(u);
  u = pb_links_file_url("javascript:alert(1)//", 0, "Slide/a.pptx");
  if (u) failures++, printf("FAIL javascript base_url gave %s\n", u);
  free(u);
  u = pb_links_file_url("https://x.org/lib/", 0, "../secret");
  if (u) failures++, printf("FAIL ../ under base_url gave %s\n", u);
  free(u);
  printf("%s: %d failure(s)\n", failures ? "FAIL" : "ok", failures);
  return failures ? 1 : 0;
}

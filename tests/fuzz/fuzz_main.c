/*
** fuzz_main.c: replay driver for the libFuzzer targets, for compilers
** without libFuzzer: each argument is a file, or a directory whose files
** are read, and each file is passed once to LLVMFuzzerTestOneInput().
*/
#include <dirent.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Run one file; returns 0, or -1 when it cannot be read. */
static int replay_file(const char *path)
{
    FILE *f = NULL;
    uint8_t *buf = NULL;
    long n;
    int rc = -1;

    f = fopen(path, "rb");
    if (!f || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
        fseek(f, 0, SEEK_SET) != 0) {
        goto done;
    }
    /* An exactly sized copy, so that ASan sees any read past the end. */
    buf = malloc(n > 0 ? (size_t)n : 1);
    if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
        goto done;
    }
    LLVMFuzzerTestOneInput(buf, (size_t)n);
    rc = 0;
done:
    free(buf);
    if (f) {
        fclose(f);
    }
    return rc;
}

int main(int argc, char **argv)
{
    int i, files = 0;
    for (i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) {
            DIR *d = opendir(argv[i]);
            struct dirent *e;
            while (d && (e = readdir(d)) != NULL) {
                char path[PATH_MAX];
                if (e->d_name[0] == '.' ||
                    snprintf(path, sizeof path, "%s/%s", argv[i], e->d_name) >=
                        (int)sizeof path) {
                    continue;
                }
                if (replay_file(path) != 0) {
                    fprintf(stderr, "cannot read %s\n", path);
                    closedir(d);
                    return EXIT_FAILURE;
                }
                files++;
            }
            if (d) {
                closedir(d);
            }
        } else if (replay_file(argv[i]) == 0) {
            files++;
        } else {
            fprintf(stderr, "cannot read %s\n", argv[i]);
            return EXIT_FAILURE;
        }
    }
    printf("%d inputs replayed\n", files);
    return files > 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

/*
 * Ours (not darknet's): a small program linked against a darknet build (AlexeyAB/darknet) by
 * scripts/darknet-reference.sh. It parses a .cfg with darknet's own parser (batch 1, as
 * `detector test` does) and writes one JSON file describing every darknet layer: type,
 * input/output h/w/c read from darknet's layer structs, the settings of each kind, and the
 * bytes the layer stores in a .weights file as measured by darknet's own save functions
 * (the same dispatch as save_weights_upto in src/parser.c, written into a memory stream).
 * The expected .weights size is measured by darknet's save_weights into a real file.
 *
 * With a .weights file it also loads it with darknet's load_weights and saves it again with
 * save_weights: the script compares that file with the original (bytes after the header).
 *
 * With --letterbox it writes darknet's network input for a photo instead: load_image (stb_image)
 * then letterbox_image (its bilinear resize, 0.5 grey padding), as `detector test -letter_box`
 * prepares it: float32, planar RGB [3][H][W], and prints the photo's width and height.
 *
 * usage: darknet-reference-dump CFG OUT.json [WEIGHTS RESAVED.weights]
 *        darknet-reference-dump --letterbox IMAGE WIDTH HEIGHT OUT.f32
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "darknet.h"
#include "activations.h"
#include "network.h"
#include "parser.h"
#include "image.h"

/* parser.c defines these without declaring them in a header. */
void save_convolutional_weights(layer l, FILE *fp);
void save_shortcut_weights(layer l, FILE *fp);
void save_implicit_weights(layer l, FILE *fp);
void save_connected_weights(layer l, FILE *fp);
void save_batchnorm_weights(layer l, FILE *fp);

static long stored_bytes(layer l) {
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  if (l.type == CONVOLUTIONAL && l.share_layer == NULL) save_convolutional_weights(l, f);
  if (l.type == SHORTCUT && l.nweights > 0) save_shortcut_weights(l, f);
  if (l.type == IMPLICIT) save_implicit_weights(l, f);
  if (l.type == CONNECTED) save_connected_weights(l, f);
  if (l.type == BATCHNORM) save_batchnorm_weights(l, f);
  if (l.type == RNN || l.type == GRU || l.type == LSTM || l.type == CONV_LSTM || l.type == CRNN || l.type == LOCAL) {
    fprintf(stderr, "layer %d: type %s is not measured by this program\n", l.index, get_layer_string(l.type));
    exit(2);
  }
  fclose(f);
  free(buf);
  return (long)len;
}

/*
 * Names as the cfg spells them. darknet's own get_activation_string and get_layer_string
 * miss some (mish, swish, hard_mish: "relu"; upsample: "none"), so the enums are named here.
 */
static const char *activation_name(ACTIVATION a) {
  switch (a) {
    case LOGISTIC: return "logistic";
    case RELU: return "relu";
    case RELU6: return "relu6";
    case LINEAR: return "linear";
    case LEAKY: return "leaky";
    case REVLEAKY: return "revleaky";
    case ELU: return "elu";
    case SELU: return "selu";
    case GELU: return "gelu";
    case TANH: return "tanh";
    case SWISH: return "swish";
    case MISH: return "mish";
    case HARD_MISH: return "hard_mish";
    default: return get_activation_string(a);
  }
}

static const char *layer_name(LAYER_TYPE t) {
  switch (t) {
    case CONVOLUTIONAL: return "convolutional";
    case ROUTE: return "route";
    case SHORTCUT: return "shortcut";
    case MAXPOOL: return "maxpool";
    case UPSAMPLE: return "upsample";
    case YOLO: return "yolo";
    case DROPOUT: return "dropout";
    default: return get_layer_string(t);
  }
}

static long file_size(const char *path) {
  struct stat st;
  if (stat(path, &st) != 0) { perror(path); exit(2); }
  return (long)st.st_size;
}

static void ints(FILE *o, const int *v, int n) {
  fputc('[', o);
  for (int i = 0; i < n; ++i) fprintf(o, "%s%d", i ? ", " : "", v[i]);
  fputc(']', o);
}

static int letterbox_main(const char *path, int w, int h, const char *out) {
  image im = load_image((char *)path, 0, 0, 3);
  image sized = letterbox_image(im, w, h);
  FILE *f = fopen(out, "wb");
  if (!f) { perror(out); return 2; }
  fwrite(sized.data, sizeof(float), (size_t)sized.w * sized.h * sized.c, f);
  fclose(f);
  printf("%d %d\n", im.w, im.h);
  free_image(im);
  free_image(sized);
  return 0;
}

int main(int argc, char **argv) {
  if (argc == 6 && strcmp(argv[1], "--letterbox") == 0) return letterbox_main(argv[2], atoi(argv[3]), atoi(argv[4]), argv[5]);
  if (argc != 3 && argc != 5) {
    fprintf(stderr, "usage: %s CFG OUT.json [WEIGHTS RESAVED.weights]\n", argv[0]);
    return 2;
  }
  const char *cfg = argv[1], *out = argv[2];
  network net = parse_network_cfg_custom((char *)cfg, 1, 1);

  /* darknet's own expected size: save_weights of the parsed network. */
  char tmp[4096];
  snprintf(tmp, sizeof tmp, "%s.saved.weights", out);
  save_weights(net, tmp);
  long expected = file_size(tmp);
  remove(tmp);

  FILE *o = fopen(out, "w");
  if (!o) { perror(out); return 2; }
  fprintf(o, "{\n  \"width\": %d, \"height\": %d, \"channels\": %d,\n", net.w, net.h, net.c);
  fprintf(o, "  \"layers\": [\n");
  long sum = 0;
  for (int i = 0; i < net.n; ++i) {
    layer l = net.layers[i];
    long bytes = stored_bytes(l);
    sum += bytes;
    fprintf(o, "    {\"index\": %d, \"type\": \"%s\", \"in\": [%d, %d, %d], \"out\": [%d, %d, %d], \"storedFloats\": %ld",
            i, layer_name(l.type), l.h, l.w, l.c, l.out_h, l.out_w, l.out_c, bytes / 4);
    switch (l.type) {
      case CONVOLUTIONAL:
        fprintf(o, ", \"filters\": %d, \"size\": %d, \"stride\": [%d, %d], \"dilation\": %d, \"pad\": %d, \"groups\": %d, \"batchNormalize\": %d, \"activation\": \"%s\", \"nweights\": %d",
                l.n, l.size, l.stride_y, l.stride_x, l.dilation, l.pad, l.groups, l.batch_normalize, activation_name(l.activation), l.nweights);
        break;
      case ROUTE:
        fprintf(o, ", \"layers\": ");
        ints(o, l.input_layers, l.n);
        fprintf(o, ", \"groups\": %d, \"groupId\": %d", l.groups, l.group_id);
        break;
      case SHORTCUT:
        fprintf(o, ", \"from\": ");
        ints(o, l.input_layers, l.n);
        fprintf(o, ", \"activation\": \"%s\", \"nweights\": %d", activation_name(l.activation), l.nweights);
        break;
      case MAXPOOL:
        fprintf(o, ", \"size\": %d, \"stride\": [%d, %d], \"pad\": %d", l.size, l.stride_y, l.stride_x, l.pad);
        break;
      case UPSAMPLE:
        fprintf(o, ", \"stride\": %d, \"reverse\": %d", l.stride, l.reverse != 0);
        break;
      case DROPOUT:
        fprintf(o, ", \"probability\": %g", l.probability);
        break;
      case YOLO:
        fprintf(o, ", \"classes\": %d, \"mask\": ", l.classes);
        ints(o, l.mask, l.n);
        fprintf(o, ", \"anchors\": [");
        for (int k = 0; k < l.n; ++k)
          fprintf(o, "%s[%g, %g]", k ? ", " : "", l.biases[2 * l.mask[k]], l.biases[2 * l.mask[k] + 1]);
        fprintf(o, "], \"scaleXY\": %g, \"newCoords\": %d", l.scale_x_y, l.new_coords);
        break;
      default:
        break;
    }
    fprintf(o, "}%s\n", i + 1 < net.n ? "," : "");
  }
  fprintf(o, "  ],\n  \"headerBytes\": 20,\n  \"storedFloats\": %ld,\n  \"weightsBytes\": %ld\n}\n", sum / 4, expected);
  fclose(o);
  if (expected != 20 + sum) {
    fprintf(stderr, "%s: save_weights wrote %ld bytes, the per-layer sum is 20 + %ld\n", cfg, expected, sum);
    return 1;
  }
  if (argc == 5) {
    load_weights(&net, argv[3]);
    save_weights(net, argv[4]);
  }
  fprintf(stderr, "%s: %d layers, expected .weights size %ld bytes\n", cfg, net.n, expected);
  free_network(net);
  return 0;
}

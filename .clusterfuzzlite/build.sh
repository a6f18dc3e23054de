#!/bin/bash -eu
# ClusterFuzzLite runs this in the image of .clusterfuzzlite/Dockerfile; the build is OSS-Fuzz's.
exec bash "$SRC/ember/fuzz/oss-fuzz/build.sh"

/**
 * A narrow two-head darknet cfg in the yolov3-tiny layout at 64 px, for fast training tests:
 * the same layer kinds as the bundled shapes model (batch norm convs, maxpools stride 2 and 1,
 * route, upsample, two linear heads).
 */
export const SMALL_CFG = `
[net]
width=64
height=64
channels=3

[convolutional]
batch_normalize=1
filters=8
size=3
stride=1
pad=1
activation=leaky

[maxpool]
size=2
stride=2

[convolutional]
batch_normalize=1
filters=8
size=3
stride=1
pad=1
activation=leaky

[maxpool]
size=2
stride=2

[convolutional]
batch_normalize=1
filters=16
size=3
stride=1
pad=1
activation=leaky

[maxpool]
size=2
stride=2

[convolutional]
batch_normalize=1
filters=16
size=3
stride=1
pad=1
activation=leaky

[maxpool]
size=2
stride=1

[convolutional]
batch_normalize=1
filters=16
size=1
stride=1
pad=1
activation=leaky

[convolutional]
size=1
stride=1
pad=1
filters=27
activation=linear

[yolo]
mask = 3,4,5
anchors = 8,8, 12,12, 16,16, 20,20, 26,26, 32,32
classes=4
num=6

[route]
layers = -3

[upsample]
stride=2

[route]
layers = -1, 4

[convolutional]
filters=27
size=3
stride=1
pad=1
activation=linear

[yolo]
mask = 0,1,2
anchors = 8,8, 12,12, 16,16, 20,20, 26,26, 32,32
classes=4
num=6
`;

import { Conv2d, Flatten, Linear, MaxPool2d, ReLU, Sequential } from '@torchlet/nn';
import type { Generator } from '@torchlet/tensor';

/**
 * The book's LeNet (d2l 7.6) with ReLU and max-pooling, as the issue asks: two 5x5 convolutions
 * (6 and 16 channels, the first padded to keep 28x28) each followed by 2x2 max-pooling, then
 * three fully connected layers 400 -> 120 -> 84 -> 10.
 */
export function lenet(generator?: Generator): Sequential {
  return new Sequential(
    new Conv2d(1, 6, 5, { padding: 2, generator }),
    new ReLU(),
    new MaxPool2d(2),
    new Conv2d(6, 16, 5, { generator }),
    new ReLU(),
    new MaxPool2d(2),
    new Flatten(),
    new Linear(16 * 5 * 5, 120, { generator }),
    new ReLU(),
    new Linear(120, 84, { generator }),
    new ReLU(),
    new Linear(84, 10, { generator }),
  );
}

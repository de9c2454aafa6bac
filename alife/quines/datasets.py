"""Image classification data for the auxiliary quine: scikit-learn's digits, or MNIST.

:func:`load_images` gives ``(x_train, y_train, x_test, y_test)``: images flattened to
float32 rows scaled to [0, 1], labels int64 in 0..9.

- ``"digits"`` (the offline default): scikit-learn's bundled 1797 8x8 handwritten
  digits (64 features, grey levels 0..16), split into 1438 training and 359 test images
  by a fixed shuffle (numpy ``default_rng(0)``);
- a path to MNIST: an ``.npz`` file with ``x_train``, ``y_train``, ``x_test``,
  ``y_test`` (Keras's ``mnist.npz``), or a folder holding the four IDX files
  (``train-images-idx3-ubyte``, ``train-labels-idx1-ubyte``, ``t10k-images-idx3-ubyte``,
  ``t10k-labels-idx1-ubyte``, each optionally ``.gz``); 784 features, grey levels 0..255.
"""

from __future__ import annotations

import gzip
import math
import os
import zipfile

import numpy as np

from alife.errors import AlifeInputError

DIGITS = "digits"
_TEST_SHARE = 0.2
_IDX_FILES = (
    "train-images-idx3-ubyte",
    "train-labels-idx1-ubyte",
    "t10k-images-idx3-ubyte",
    "t10k-labels-idx1-ubyte",
)
_NPZ_KEYS = ("x_train", "y_train", "x_test", "y_test")

Images = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]


def load_images(source: str = DIGITS) -> Images:
    """(x_train, y_train, x_test, y_test) of ``source`` (see the module docstring)."""
    if source == DIGITS:
        return _digits()
    if os.path.isdir(source):
        return _idx_folder(source)
    if source.endswith(".npz") and os.path.isfile(source):
        return _npz(source)
    raise AlifeInputError(
        f"image data {source!r} is neither 'digits' nor an MNIST .npz file (x_train, "
        f"y_train, x_test, y_test) nor a folder of the four MNIST IDX files"
    )


def _digits() -> Images:
    from sklearn.datasets import load_digits

    digits = load_digits()
    order = np.random.default_rng(0).permutation(len(digits.target))
    cut = round(len(order) * (1 - _TEST_SHARE))
    x = (digits.data / 16.0).astype(np.float32)
    y = digits.target.astype(np.int64)
    return x[order[:cut]], y[order[:cut]], x[order[cut:]], y[order[cut:]]


def _scaled(x: np.ndarray, y: np.ndarray, where: str) -> tuple[np.ndarray, np.ndarray]:
    if len(x) != len(y) or x.ndim < 2 or y.ndim != 1:
        raise AlifeInputError(
            f"{where} holds {x.shape} images and {y.shape} labels; expected (n, ...) "
            f"images and (n,) labels"
        )
    if not (np.issubdtype(x.dtype, np.number) and np.issubdtype(y.dtype, np.integer)):
        raise AlifeInputError(
            f"{where} holds {x.dtype} images and {y.dtype} labels; expected numbers and "
            f"integer labels"
        )
    if y.size and (y.min() < 0 or y.max() > 9):
        raise AlifeInputError(f"{where} has labels outside 0..9 ({y.min()}..{y.max()})")
    if x.size and not (np.isfinite(x).all() and x.min() >= 0 and x.max() <= 255):
        raise AlifeInputError(
            f"{where} has pixels outside 0..255 ({x.min()}..{x.max()}); MNIST's are bytes"
        )
    return (x.reshape(len(x), -1) / 255.0).astype(np.float32), y.astype(np.int64)


def _same_size(train: np.ndarray, test: np.ndarray, where: str) -> None:
    if train.shape[1] != test.shape[1]:
        raise AlifeInputError(
            f"{where}: training images have {train.shape[1]} pixels, test images "
            f"{test.shape[1]}; both sets need one image size"
        )


def _npz(path: str) -> Images:
    try:
        with np.load(path) as data:
            arrays = {key: data[key] for key in _NPZ_KEYS if key in data.files}
    except (zipfile.BadZipFile, EOFError, ValueError) as error:
        raise AlifeInputError(f"{path!r} is not an .npz file numpy can read ({error})") from None
    missing = [key for key in _NPZ_KEYS if key not in arrays]
    if missing:
        raise AlifeInputError(
            f"{path!r} lacks {', '.join(missing)}; an MNIST .npz holds {', '.join(_NPZ_KEYS)}"
        )
    train = _scaled(arrays["x_train"], arrays["y_train"], path)
    test = _scaled(arrays["x_test"], arrays["y_test"], path)
    _same_size(train[0], test[0], path)
    return (*train, *test)


def _read_idx(path: str) -> np.ndarray:
    """An IDX array (unsigned bytes) from ``path`` or ``path.gz``."""
    for candidate in (path, path + ".gz"):
        if os.path.isfile(candidate):
            opener = gzip.open if candidate.endswith(".gz") else open
            with opener(candidate, "rb") as f:
                raw = f.read()
            break
    else:
        raise AlifeInputError(f"{path!r} (or .gz) is missing from the MNIST folder")
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] != 0x08:
        raise AlifeInputError(f"{path!r} is not an IDX file of unsigned bytes")
    dims = raw[3]
    if len(raw) < 4 + 4 * dims:
        raise AlifeInputError(f"{path!r} ends inside its header of {dims} sizes")
    shape = tuple(int.from_bytes(raw[4 + 4 * i : 8 + 4 * i], "big") for i in range(dims))
    values = len(raw) - 4 - 4 * dims
    if values != math.prod(shape):
        raise AlifeInputError(f"{path!r} holds {values} values, its header says {shape}")
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def _idx_folder(folder: str) -> Images:
    x_train, y_train, x_test, y_test = (_read_idx(os.path.join(folder, n)) for n in _IDX_FILES)
    train, test = _scaled(x_train, y_train, folder), _scaled(x_test, y_test, folder)
    _same_size(train[0], test[0], folder)
    return (*train, *test)

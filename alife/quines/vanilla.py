"""The vanilla neural-network quine of Chang & Lipson (2018).

A network that, given the coordinate ``c`` of one of its own trainable weights, outputs
that weight's value ``theta_c``. A coordinate is one-hot over all trainable weights;
its one-hot vector times a fixed (non-trainable) random projection gives the input
features, so the projection is an (n_weights, width) table of embeddings, drawn normal
with standard deviation 1 (``width`` = the first hidden width by default). Then come
bias-free linear layers with an activation a between them:
``a(P[c]) -> W_1 -> a -> W_2 -> ... -> a -> W_out -> 1 output``, one W per hidden
width. The paper's default, hidden widths (100, 100), has 100*100 + 100*100 + 100
= 20,100 trainable weights, and a = SELU. ``activation`` also offers ``tanh``, which
saturates, and ``sin``, which is periodic: with them the prediction no longer grows as
the cube of the weights' scale. ``leaky_relu`` (slope 0.1) makes it grow exactly so
(f(s theta) = s^3 f(theta) for s > 0), so a quine up to scale, f(theta) = c theta,
divided by c^(1/2) is an exact one (docs/reproductions.md compares them).

Weights are drawn LeCun-normal (std 1/sqrt(fan_in), SELU's initialisation) from a torch
generator seeded with ``seed``; the projection from ``seed + 1``.

The *auxiliary* quine (``data_inputs`` > 0, ``classes`` > 0) also classifies images:
the first layer takes the projected coordinate and an image side by side, the output
layer gives the weight and ``classes`` logits. Each task feeds zeros to the other's
inputs (the paper leaves open which image goes with a coordinate): :meth:`forward`
predicts weights from coordinates alone, :meth:`classify` labels images alone. Its
weights, first layer's image columns and output layer's logit rows included, are all
coordinates the network must replicate.
"""

from __future__ import annotations

import functools
import itertools
import math

import torch
from torch import nn

LEAKY_SLOPE = 0.1
"""Slope of the ``leaky_relu`` activation below zero."""

ACTIVATIONS = {
    "selu": torch.selu,
    "tanh": torch.tanh,
    "sin": torch.sin,
    "leaky_relu": functools.partial(nn.functional.leaky_relu, negative_slope=LEAKY_SLOPE),
}
"""The activations a quine network may use, by name (the paper's is selu)."""


def weight_count(hidden: tuple[int, ...], data_inputs: int = 0, classes: int = 0) -> int:
    """The trainable weights of a :class:`VanillaQuine` of these sizes, counted without
    building it: layers (h0 + data_inputs) -> hidden ... -> 1 + classes."""
    widths = (hidden[0] + data_inputs, *hidden, 1 + classes)
    return sum(fan_in * fan_out for fan_in, fan_out in itertools.pairwise(widths))


class VanillaQuine(nn.Module):
    """A quine network with hidden widths ``hidden`` (at least one) and ``activation``
    (a name in :data:`ACTIVATIONS`); ``data_inputs`` image features and ``classes``
    logits make it an auxiliary quine."""

    def __init__(
        self,
        hidden: tuple[int, ...] = (100, 100),
        seed: int = 0,
        dtype: torch.dtype = torch.float32,
        data_inputs: int = 0,
        classes: int = 0,
        activation: str = "selu",
    ):
        super().__init__()
        self.activation = ACTIVATIONS[activation]
        generator = torch.Generator().manual_seed(seed)
        widths = [hidden[0], *hidden, 1 + classes]  # projection, hidden ones, outputs
        shapes = [(widths[i + 1], widths[i]) for i in range(len(widths) - 1)]
        shapes[0] = (widths[1], widths[0] + data_inputs)
        self.projection_width = widths[0]
        self.layers = nn.ParameterList(
            nn.Parameter(
                torch.randn(*shape, generator=generator, dtype=dtype) / math.sqrt(shape[1])
            )
            for shape in shapes
        )
        count = sum(out * inn for out, inn in shapes)
        projection = torch.randn(
            count, widths[0], generator=torch.Generator().manual_seed(seed + 1), dtype=dtype
        )
        self.register_buffer("projection", projection)

    @property
    def size(self) -> int:
        """Number of trainable weights (the coordinates)."""
        return self.projection.shape[0]

    def weights(self) -> torch.Tensor:
        """(size,) all trainable weights in coordinate order (layer by layer,
        row-major)."""
        return torch.cat([layer.reshape(-1) for layer in self.layers])

    def layer_slices(self) -> list[slice]:
        """The coordinates of each layer."""
        out, start = [], 0
        for layer in self.layers:
            out.append(slice(start, start + layer.numel()))
            start += layer.numel()
        return out

    def _outputs(self, inputs: torch.Tensor, columns: slice) -> torch.Tensor:
        """(batch, 1 + classes) outputs for ``inputs`` fed to the first layer's
        ``columns`` (zeros in the others)."""
        h = self.activation(inputs @ self.layers[0][:, columns].T)
        for i in range(1, len(self.layers) - 1):  # not a slice: it would copy the layers
            h = self.activation(h @ self.layers[i].T)  # into new Parameters, cut off from theta
        return h @ self.layers[-1].T

    def forward(self, coordinates: torch.Tensor) -> torch.Tensor:
        """(batch,) predicted weights at (batch,) int64 coordinates."""
        inputs = self.activation(self.projection[coordinates])
        return self._outputs(inputs, slice(0, self.projection_width))[:, 0]

    def classify(self, images: torch.Tensor) -> torch.Tensor:
        """(batch, classes) logits of (batch, data_inputs) images (auxiliary quines)."""
        return self._outputs(images, slice(self.projection_width, None))[:, 1:]

    def coordinate_path(self) -> torch.Tensor:
        """(size,) bool: True for the weights that act when the network predicts a weight
        (the first layer's projection columns, the hidden layers, the output layer's weight
        row); False for those only the image task uses (an auxiliary quine's image columns
        and logit rows). A vanilla quine's weights are all on the path."""
        parts = []
        for i, layer in enumerate(self.layers):
            used = torch.ones(layer.shape, dtype=torch.bool, device=layer.device)
            if i == 0:
                used[:, self.projection_width :] = False
            if i == len(self.layers) - 1:
                used[1:] = False
            parts.append(used.reshape(-1))
        return torch.cat(parts)

    @torch.no_grad()
    def predict_all(self, batch: int = 8192) -> torch.Tensor:
        """(size,) the network's prediction of every one of its weights."""
        coordinates = torch.arange(self.size, device=self.projection.device)
        return torch.cat([self(c) for c in coordinates.split(batch)])

    @torch.no_grad()
    def set_weights(self, theta: torch.Tensor) -> None:
        """Write a (size,) vector into the layers (coordinate order)."""
        for layer, part in zip(self.layers, self.layer_slices(), strict=True):
            layer.copy_(theta[part].reshape(layer.shape))

    @torch.no_grad()
    def regenerate(self, keep_norm: bool = False) -> None:
        """Replace every weight with the network's prediction of it; with
        ``keep_norm``, the prediction rescaled to the current weight norm (unless it is
        all zeros)."""
        prediction = self.predict_all()
        if keep_norm:  # norms in float64: float32 sums of squares overflow from about 1e17
            predicted = prediction.double().norm()
            if predicted > 0:  # a prediction of all zeros has no direction to keep: it stays
                scale = self.weights().double().norm() / predicted
                prediction = prediction * scale.to(prediction.dtype)
        self.set_weights(prediction)


def replication_loss(
    model: VanillaQuine, coordinates: torch.Tensor, target_gradient: bool = False
) -> torch.Tensor:
    """L_SR over ``coordinates``: sum of (f(c) - theta_c)^2. The targets theta_c are
    constants unless ``target_gradient``, when the gradient also moves the weights
    toward their predictions."""
    theta = model.weights()[coordinates]
    if not target_gradient:
        theta = theta.detach()
    return ((model(coordinates) - theta) ** 2).sum()

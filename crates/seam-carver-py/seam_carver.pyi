"""Content-aware image resizing by seam carving, with the API of the seam-carving package."""

from typing import Callable, List, Literal, Optional, Sequence, Tuple, overload

import numpy as np
import numpy.typing as npt

__version__: str

class CarveError(ValueError):
    """A carve seam-carver refuses; `kind` names the reason, `details` holds its numbers."""

    kind: str
    details: str

_Mask = npt.ArrayLike
_Image = npt.NDArray[np.uint8]

@overload
def resize(
    src: _Image,
    size: Optional[Sequence[float]] = None,
    energy_mode: Optional[Literal["backward", "forward", "salient"]] = None,
    order: Literal["width-first", "height-first", "interleaved", "optimal"] = "width-first",
    keep_mask: Optional[_Mask] = None,
    drop_mask: Optional[_Mask] = None,
    step_ratio: Optional[float] = None,
    *,
    seams: Literal["optimal", "imageproc"] = "optimal",
    progress: Optional[Callable[[int, int], object]] = None,
    return_seams: Literal[False] = False,
    max_pixels: int = 100_000_000,
    protect_faces: bool = False,
    protect_skin: bool = False,
    carve_at_most: int = 40,
) -> _Image: ...
@overload
def resize(
    src: _Image,
    size: Optional[Sequence[float]] = None,
    energy_mode: Optional[Literal["backward", "forward", "salient"]] = None,
    order: Literal["width-first", "height-first", "interleaved", "optimal"] = "width-first",
    keep_mask: Optional[_Mask] = None,
    drop_mask: Optional[_Mask] = None,
    step_ratio: Optional[float] = None,
    *,
    seams: Literal["optimal", "imageproc"] = "optimal",
    progress: Optional[Callable[[int, int], object]] = None,
    return_seams: Literal[True],
    max_pixels: int = 100_000_000,
    protect_faces: bool = False,
    protect_skin: bool = False,
    carve_at_most: int = 40,
) -> Tuple[_Image, List[dict]]:
    """Each seam a dict: orientation, path, cost, inserted, pass."""
    ...
def remove_object(
    src: _Image,
    drop_mask: _Mask,
    keep_mask: Optional[_Mask] = None,
    *,
    energy_mode: Optional[Literal["backward", "forward", "salient"]] = None,
    progress: Optional[Callable[[int, int], object]] = None,
) -> _Image: ...

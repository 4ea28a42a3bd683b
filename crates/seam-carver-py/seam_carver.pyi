"""Content-aware image resizing by seam carving, with the API of the seam-carving package."""

from typing import Callable, List, Literal, Optional, Sequence, Tuple, TypeVar, Union, overload

import numpy as np
import numpy.typing as npt

__version__: str

class CarveError(ValueError):
    """A carve seam-carver refuses; `kind` names the reason, `details` holds its numbers."""

    kind: str
    details: str

_Mask = npt.ArrayLike
# Any array of numbers (bool, integers, floats): uint8 is carved as it is, other types are
# read as 0..255 intensities for the seams, and the result comes back in the input's type.
_Number = TypeVar("_Number", bound=Union[np.bool_, np.integer, np.floating])

@overload
def resize(
    src: npt.NDArray[_Number],
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
) -> npt.NDArray[_Number]: ...
@overload
def resize(
    src: npt.NDArray[_Number],
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
) -> Tuple[npt.NDArray[_Number], List[dict]]:
    """Each seam a dict: orientation, path, cost, inserted, pass."""
    ...
def remove_object(
    src: npt.NDArray[_Number],
    drop_mask: _Mask,
    keep_mask: Optional[_Mask] = None,
    *,
    energy_mode: Optional[Literal["backward", "forward", "salient"]] = None,
    progress: Optional[Callable[[int, int], object]] = None,
) -> npt.NDArray[_Number]: ...

"""How an exercise's figure is posed and moves (issue 8).

A figure is a base posture, the props it uses and a few keyframes. Each keyframe changes joint
angles of the base; the renderer (`unknot.figures`) places and draws them, and the loop's timing
comes from the exercise's dosage, not from the keyframes, so the figure always moves at the
exercise's real tempo.

Angles are in degrees, in the plane of the view:
- side view (the figure faces right): positive is flexion, i.e. forward and up for the arms and
  thighs, forward and down for the trunk, neck and head, and backward for the knees;
- front view (the figure faces the viewer): positive moves a limb away from the midline and
  tilts the trunk, neck and head toward the figure's left, which is the viewer's right.
`*_depth` angles turn a segment out of the view's plane (0 in the plane, 90 pointing straight
at or away from the viewer); the segment is drawn shorter by their cosine.
"""

from __future__ import annotations

from typing import Annotated, Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from unknot.domain.vocabulary import Area

View = Literal["side", "front", "back"]
"""side: the figure faces right; front: it faces the viewer; back: it turns its back to the
viewer, which shows the shoulder blades (issue 18)."""

Crop = Literal["body", "head", "upper"]
"""body: the whole figure; head: a head-and-shoulders close-up, for neck exercises; upper: the
trunk, head and arms, for the shoulder blades and the arms' path."""

Base = Literal[
    "standing", "seated", "all_fours", "kneeling", "lying_back", "lying_front", "hanging", "cycling"
]

PropKind = Literal[
    "chair",
    "wall",
    "doorway",
    "band",
    "dumbbells",
    "foam_roller",
    "mat",
    "bike",
    "barbell",
    "pull_up_bar",
]

Contact = Literal[
    "sole_l", "sole_r", "knee_l", "knee_r", "hand_l", "hand_r", "seat", "pelvis", "back", "head"
]

Hand = Literal["hand_l", "hand_r"]
Grip = Literal["head", "thigh_l", "thigh_r", "door_frame", "chair_back", "wall", "knee_l", "knee_r"]
"""What a hand holds or rests on: the back of the head (cradling it), behind a thigh, the
forearm along a door frame, the top of a chair's back, the wall, or a knee."""

Rule = Literal["no_neck_extension"]
"""A movement the figure must never show at any moment: the neck roll's half circles stay in
front, never tipping the head back (the seed; issue 18)."""

Path = Literal["cycle", "pass"]

TracePoint = Literal[
    "head",
    "chin",
    "shoulder_l",
    "shoulder_r",
    "hand_l",
    "hand_r",
    "knee_l",
    "knee_r",
    "ankle_l",
    "ankle_r",
]

# Every angle a pose may set, with the range a healthy adult reaches, passive end range
# included (sagittal and frontal norms of the American Academy of Orthopaedic Surgeons,
# "Joint Motion: Method of Measuring and Recording", 1965, as tabulated in Norkin & White,
# "Measurement of Joint Motion", 5th ed., appendix A; knee and hip flexion widened to the
# passive range that heel sitting and knee hugging need). Trunk angles are split between
# the lumbar and thoracic segments, so each gets a share of the thoracolumbar range.
SIDE_RANGES: Final[dict[str, tuple[float, float]]] = {
    "body": (-180.0, 180.0),
    "lumbar": (-25.0, 40.0),
    "spine": (-30.0, 50.0),
    "neck": (-50.0, 45.0),
    "head": (-25.0, 25.0),
    "shoulder": (-60.0, 180.0),
    "elbow": (0.0, 150.0),
    "hip": (-30.0, 150.0),
    "knee": (0.0, 160.0),
    "ankle": (-20.0, 60.0),
}
FRONT_RANGES: Final[dict[str, tuple[float, float]]] = {
    "body": (-40.0, 40.0),
    "lumbar": (-20.0, 20.0),
    "spine": (-35.0, 35.0),
    "neck": (-45.0, 45.0),
    "head": (-20.0, 20.0),
    "nod": (-30.0, 50.0),
    "turn": (-80.0, 80.0),
    "twist": (-60.0, 60.0),
    "lean": (0.0, 80.0),
    "shoulder": (-90.0, 180.0),
    "elbow": (-150.0, 150.0),
    "hip": (-30.0, 50.0),
    "knee": (-20.0, 20.0),
    "ankle": (-20.0, 60.0),
}
DEPTH_RANGE: Final = (0.0, 90.0)
# Shoulder-girdle movement (cm): elevation, and protraction forward (negative: drawn back).
GIRDLE_RANGES: Final[dict[str, tuple[float, float]]] = {
    "shrug": (-2.0, 10.0),
    "protract": (-6.0, 6.0),
}
LIMBS: Final = ("shoulder", "elbow", "hip", "knee", "ankle", "shrug", "protract")
DEPTHS: Final = ("arm_depth", "forearm_depth", "thigh_depth", "shin_depth")
DEPTH_OF: Final = {
    "shoulder": "arm_depth",
    "elbow": "forearm_depth",
    "hip": "thigh_depth",
    "knee": "shin_depth",
}
"""A segment turned 45° or more out of the view's plane is drawn by the direction of its
projection, which is not a joint angle, so its range is not checked."""
LATERAL_CENTRAL: Final = frozenset({"body", "lumbar", "spine", "neck", "head", "turn", "twist"})
"""Midline angles that lean to one side: mirroring a front view negates them (not `nod`)."""


def joint_names(view: View) -> tuple[str, ...]:
    """Every angle a pose in this view may set, each limb's as `<joint>_l` and `<joint>_r`."""
    ranges = SIDE_RANGES if view == "side" else FRONT_RANGES
    central = [name for name in ranges if name not in LIMBS]
    sided_stems = (*LIMBS, *DEPTHS)
    sided = [f"{name}_{side}" for name in sided_stems for side in ("l", "r")]
    return (*central, *sided)


def angle_range(view: View, name: str) -> tuple[float, float]:
    """The human range of one angle (`shoulder_l`, `arm_depth_r`, `neck`)."""
    stem = name[:-2] if name[-2:] in ("_l", "_r") else name
    if stem in DEPTHS:
        return DEPTH_RANGE
    if stem in GIRDLE_RANGES:
        return GIRDLE_RANGES[stem]
    ranges = SIDE_RANGES if view == "side" else FRONT_RANGES
    return ranges[stem]


# The posture each base starts from, before the figure's and the frame's changes.
BASE_POSES: Final[dict[Base, dict[str, float]]] = {
    "standing": {},
    "seated": {"hip": 90, "knee": 90},
    "all_fours": {"body": 71, "hip": 71, "knee": 90, "shoulder": 71, "ankle": 50},
    "kneeling": {"hip": 0, "knee": 90, "ankle": 45},
    "lying_back": {"body": -90, "ankle": 35},
    "lying_front": {"body": 90, "ankle": 45},
    "hanging": {"shoulder": 175},
    "cycling": {"body": 15, "hip": 75, "knee": 70, "shoulder": 60, "elbow": 20},
}
FRONT_BASE_POSES: Final[dict[Base, dict[str, float]]] = {
    "seated": {"thigh_depth": 90},
    "cycling": {"thigh_depth": 70},
}

# Which parts rest on something in each base; a frame may lift some of them.
BASE_CONTACTS: Final[dict[Base, tuple[Contact, ...]]] = {
    "standing": ("sole_l", "sole_r"),
    "seated": ("seat", "sole_l", "sole_r"),
    "all_fours": ("knee_l", "knee_r", "hand_l", "hand_r"),
    "kneeling": ("knee_l", "knee_r"),
    "lying_back": ("pelvis", "back", "head"),
    "lying_front": ("pelvis", "back"),
    "hanging": (),
    "cycling": ("seat",),
}


FRONT_BASES: Final[tuple[Base, ...]] = ("standing", "seated", "hanging")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


Angles = dict[str, float]


def expand(pose: Angles) -> Angles:
    """`shoulder: 90` sets both shoulders; `shoulder_l` only the left."""
    out: Angles = {}
    for name, value in pose.items():
        if name in LIMBS or name in DEPTHS:
            out[f"{name}_l"] = value
            out[f"{name}_r"] = value
    for name, value in pose.items():
        if name not in LIMBS and name not in DEPTHS:
            out[name] = value
    return out


def mirror(pose: Angles, view: View) -> Angles:
    """The same pose on the other side: left and right swap; in the front view the midline
    angles that lean to one side lean to the other."""
    out: Angles = {}
    for name, value in pose.items():
        if name.endswith("_l"):
            out[name[:-2] + "_r"] = value
        elif name.endswith("_r"):
            out[name[:-2] + "_l"] = value
        elif view != "side" and name in LATERAL_CENTRAL:
            out[name] = -value
        else:
            out[name] = value
    return out


class Prop(_Strict):
    """A thing drawn with the figure; `x` and `y` (cm) move it from its usual place."""

    kind: PropKind
    x: float | None = None
    y: float | None = None
    hand: Literal["hand_l", "hand_r"] | None = None
    """The hand that holds hand-held weights in the frames as drawn (a one-arm row); the other
    hand takes them on the other side. Both hands when left out."""
    turned: bool = False
    """A chair turned a quarter turn, so a front view sees it side-on with its back at the
    figure's right (sitting sideways for the chair rotation)."""

    @model_validator(mode="before")
    @classmethod
    def _from_name(cls, value: Any) -> Any:
        return {"kind": value} if isinstance(value, str) else value


class Keyframe(_Strict):
    """One pose of the loop."""

    pose: Angles = {}
    """Angles that differ from the base (and from the figure's own `pose`)."""
    hold: bool = False
    """Held for the dosage's hold time (its low end, where a new person starts)."""
    lifted: tuple[Contact, ...] = ()
    """Parts that usually rest on the floor or a prop but are off it in this frame."""
    grips: dict[Hand, Grip | None] | None = None
    """What each hand holds in this frame, replacing the figure's `grips` for the hands it
    names (null: that hand lets go)."""
    label: Annotated[str, Field(max_length=24)] | None = None
    """A word or two under this pose in the keyframe strip."""


Frames = Annotated[tuple[Keyframe, ...], Field(min_length=2, max_length=8)]


class Figure(_Strict):
    """How an exercise is drawn and animated."""

    view: View = "side"
    crop: Crop = "body"
    """head: drawn as a head-and-shoulders close-up, large enough to show a nod."""
    base: Base
    props: tuple[Prop, ...] = ()
    pose: Angles = {}
    """Changes to the base shared by every frame."""
    frames: Frames
    """One repetition, starting from the rest pose. Per-side exercises give the left side;
    the right is mirrored from it."""
    direction_frames: dict[str, Frames] | None = None
    """Frames per direction when the directions are different poses (cat-cow's round and
    arch); otherwise the second direction plays `frames` backward."""
    path: Path = "cycle"
    """cycle: the last frame returns to the first; pass: the frames run one way, and the next
    direction comes back (a neck roll's half circle)."""
    cycle_s: Annotated[float, Field(gt=0, le=10)] | None = None
    """One cycle's time for timed work (a walking stride), which has no repetition tempo."""
    easing: Literal["ease-in-out", "linear"] = "ease-in-out"
    """linear for continuous circling (arm circles, a stride); otherwise each move eases."""
    trace: tuple[TracePoint, ...] = ()
    """Points whose path through one repetition is drawn as a dotted line with an arrow, for a
    movement too small or too circular to read from poses alone (a shoulder roll). `head` is
    the top of the head, `chin` the bottom of the face."""
    highlight: tuple[Area, ...] | None = None
    """Areas lit on the figure; the exercise's targets when left out."""
    grips: dict[Hand, Grip] = {}
    """What each hand holds or rests on in every frame; checked at every key pose."""
    behind: tuple[Literal["arm_l", "arm_r"], ...] = ()
    """Arms drawn behind the trunk (the upper-trapezius stretch's other hand behind the back)."""
    forbid: tuple[Rule, ...] = ()
    """Movements the figure must never show, checked at every moment of the loop."""
    beside: Figure | None = None
    """A second view drawn beside this one, in step with it: the same number of frames, the
    same holds and path (the scapular squeeze from the side and from behind)."""

    @field_validator("pose")
    @classmethod
    def _expand_shared(cls, value: Angles) -> Angles:
        return expand(value)

    @model_validator(mode="after")
    def _known_angles(self) -> Figure:
        if self.view != "side" and self.base not in FRONT_BASES:
            drawn = ", ".join(FRONT_BASES)
            raise ValueError(
                f"the {self.view} view draws only {drawn}; draw {self.base} from the side"
            )
        if self.beside is not None:
            self._check_beside(self.beside)
        known = set(joint_names(self.view)) | set(LIMBS) | set(DEPTHS)
        groups: list[tuple[str, tuple[Keyframe, ...]]] = [("frames", self.frames)]
        groups += [(f"direction_frames.{d}", f) for d, f in (self.direction_frames or {}).items()]
        for where, pose in [("pose", self.pose)] + [
            (f"{name}[{i}].pose", frame.pose) for name, fs in groups for i, frame in enumerate(fs)
        ]:
            for key in pose:
                if key not in known:
                    raise ValueError(
                        f"{where}: unknown angle {key!r} for the {self.view} view; "
                        f"known: {', '.join(sorted(known))}"
                    )
        for name, frames in groups:
            for i, frame in enumerate(frames):
                full = self.frame_angles(frame)
                for key, value in full.items():
                    stem, side = key[:-2], key[-2:]
                    if stem in DEPTH_OF and full[DEPTH_OF[stem] + side] >= 45:
                        continue
                    # An elbow bent from an arm drawn by its projection is not an elbow angle.
                    if stem == "elbow" and full["arm_depth" + side] >= 45:
                        continue
                    low, high = angle_range(self.view, key)
                    if not low <= value <= high:
                        raise ValueError(
                            f"{name}[{i}]: {key} is {value:g}°, outside the human range "
                            f"{low:g}° to {high:g}°"
                        )
        return self

    def frame_angles(self, frame: Keyframe) -> Angles:
        """Every angle of one frame: base, then the figure's pose, then the frame's."""
        base = expand(BASE_POSES[self.base])
        if self.view != "side":
            base = {k: v for k, v in base.items() if k.split("_")[0] not in ("hip", "knee")}
            base |= expand(FRONT_BASE_POSES.get(self.base, {}))
        full = dict.fromkeys(joint_names(self.view), 0.0)
        full.update({k: float(v) for k, v in base.items() if k in full})
        full.update(self.pose)
        full.update(expand(frame.pose))
        return full

    def _check_beside(self, other: Figure) -> None:
        if other.beside is not None:
            raise ValueError("beside: a figure has at most two views; remove the inner beside")
        if other.path != self.path or len(other.frames) != len(self.frames):
            raise ValueError(
                "beside: the second view must have the same path and number of frames, so the "
                "two move in step"
            )
        if [f.hold for f in other.frames] != [f.hold for f in self.frames]:
            raise ValueError("beside: hold the same frames as the first view")
        mine = {k: len(v) for k, v in (self.direction_frames or {}).items()}
        theirs = {k: len(v) for k, v in (other.direction_frames or {}).items()}
        if mine != theirs or other.cycle_s != self.cycle_s:
            raise ValueError("beside: give the same directions and cycle as the first view")

    def grips_in(self, frame: Keyframe) -> dict[Hand, Grip]:
        """What each hand holds in one frame."""
        held: dict[Hand, Grip | None] = {**self.grips, **(frame.grips or {})}
        return {hand: grip for hand, grip in held.items() if grip is not None}

    @property
    def views(self) -> tuple[Figure, ...]:
        """This view and the one beside it, if any."""
        return (self,) if self.beside is None else (self, self.beside)

    def prop(self, kind: PropKind) -> Prop | None:
        """The prop of that kind, if the figure has one."""
        return next((p for p in self.props if p.kind == kind), None)


class FigureLike(_Strict):
    """A version drawn as another version's figure with the changes listed here (the seated
    neck roll is the standing one on a chair); the result is checked as any figure is."""

    like: Annotated[int, Field(ge=0, le=9)] = 0
    """The index of the version whose figure this one starts from (0: the exercise's own)."""
    base: Base | None = None
    props: tuple[Prop, ...] | None = None
    pose: Angles = {}
    """Angles merged into the other figure's shared pose."""

    def applied_to(self, figure: Figure) -> Figure:
        """The other figure with these changes, validated again."""
        data = figure.model_dump(exclude_none=True)
        if self.base is not None:
            data["base"] = self.base
        if self.props is not None:
            data["props"] = [p.model_dump(exclude_none=True) for p in self.props]
        data["pose"] = {**figure.pose, **expand(self.pose)}
        if "beside" in data:
            # The second view sits or stands where the first does.
            if self.base is not None:
                data["beside"]["base"] = self.base
            if self.props is not None:
                data["beside"]["props"] = data["props"]
        return Figure.model_validate(data)

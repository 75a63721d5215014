"""Figures drawn from keyframes: posing, checking, animating and writing them (issue 8)."""

"""Tuopin (脱贫): targeted poverty-alleviation information platform."""

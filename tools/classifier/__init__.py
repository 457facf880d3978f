"""Training of the pair classifier (``vision.classifier``): generated pairs, the network, the shipped model.

    .venv/bin/python -m tools.classifier.train --out resources/models

Needs the ``train`` extra (torch on the CPU, onnx); the workstation itself only
runs the exported ONNX file through onnxruntime.
"""

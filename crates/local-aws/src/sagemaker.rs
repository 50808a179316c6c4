//! The SageMaker workforce emulator (being written).

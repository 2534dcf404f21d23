//! Define-by-run reverse-mode autodiff: a [`Tape`] records every operation as it runs, and
//! [`Tape::backward`] walks the record in reverse to return a [`Gradients`] store.
//!
//! The tape is an arena: each recorded operation is a [`Node`] (its [`Op`] with the ids of its
//! inputs, its forward value, and whether a gradient flows to it), addressed by a [`NodeId`].
//! A [`Var`] is a copyable handle to one node. Gradients are returned, not stored in tensors, so
//! there is nothing to zero between steps: a new step records on a new (or cleared) tape.
//!
//! Everything is inspectable — `nabla backprop` prints a tape as a textbook table: for every node
//! its op, its inputs, its forward value ([`Tape::value`]) and the gradient that flowed into it
//! ([`Gradients::get`]).
//!
//! ```
//! use nabla_tensor::{Tape, Tensor};
//! let tape = Tape::<f64>::new();
//! let x = tape.param(Tensor::from_vec(vec![1.0, 2.0, 3.0], &[3]).unwrap());
//! let y = (x * x).sum(None, false).unwrap(); // Σ x²
//! let grads = tape.backward(y).unwrap();
//! assert_eq!(grads.get(x).unwrap().data(), &[2.0, 4.0, 6.0]); // 2x
//! ```
//!
//! A value that feeds several operations receives the sum of their gradients. Operations on
//! values that need no gradient record no derivative work ([`Tape::constant`], [`Var::detach`]);
//! for inference without any recording, use [`Tensor`]'s own methods.

use std::cell::{Ref, RefCell};

use smallvec::SmallVec;

use crate::activation::{swish_beta_derivative, Activation};
use crate::buffer;
use crate::loss::{self, ClassTarget};
use crate::ops::binary::{sum_to_shape, BinaryOp};
use crate::ops::layout;
use crate::ops::matmul::{self, Wanted};
use crate::ops::reduce::{AxisReduction, ReduceOp};
use crate::ops::softmax;
use crate::ops::unary::UnaryOp;
use crate::shape::Dims;
use crate::{Error, Float, Result, Tensor};

/// The address of a node on its tape.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NodeId(usize);

impl NodeId {
    /// The node's position on the tape (the order it was recorded in).
    pub fn index(self) -> usize {
        self.0
    }
}

/// The operation that produced a node, with the ids of its inputs.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Op {
    /// An input: a parameter or a constant.
    Leaf,
    /// An elementwise function of one tensor.
    Unary {
        /// The input.
        x: NodeId,
        /// The function.
        op: UnaryOp,
    },
    /// An elementwise function of two tensors, broadcasting.
    Binary {
        /// The left operand.
        lhs: NodeId,
        /// The right operand.
        rhs: NodeId,
        /// The function.
        op: BinaryOp,
    },
    /// An activation function.
    Activation {
        /// The input (the net input of the units).
        x: NodeId,
        /// The function.
        activation: Activation,
    },
    /// Swish `x·σ(βx)` with a learned β (a one-element tensor).
    SwishLearned {
        /// The input.
        x: NodeId,
        /// The one-element β.
        beta: NodeId,
    },
    /// A matrix product.
    MatMul {
        /// The left matrix (or batch of matrices).
        lhs: NodeId,
        /// The right matrix (or batch).
        rhs: NodeId,
    },
    /// `x·Wᵀ + b` (PyTorch's `nn.Linear`).
    Linear {
        /// The input rows.
        x: NodeId,
        /// The weight, `[out, in]`.
        weight: NodeId,
        /// The bias, `[out]`.
        bias: Option<NodeId>,
    },
    /// A reduction.
    Reduce {
        /// The input.
        x: NodeId,
        /// What is reduced and how.
        reduction: AxisReduction,
    },
    /// Softmax along an axis.
    Softmax {
        /// The input.
        x: NodeId,
        /// The axis.
        axis: usize,
    },
    /// Log-softmax along an axis.
    LogSoftmax {
        /// The input.
        x: NodeId,
        /// The axis.
        axis: usize,
    },
    /// The same elements in another shape.
    Reshape {
        /// The input.
        x: NodeId,
    },
    /// Axes reordered.
    Permute {
        /// The input.
        x: NodeId,
        /// Output axis `i` is input axis `perm[i]`.
        perm: Dims,
    },
    /// Tensors joined along an axis.
    Concat {
        /// The inputs, in order.
        parts: Vec<NodeId>,
        /// The axis.
        axis: usize,
    },
    /// A slice along an axis.
    Narrow {
        /// The input.
        x: NodeId,
        /// The axis.
        axis: usize,
        /// The first index kept.
        start: usize,
    },
    /// Entries picked by index along an axis.
    IndexSelect {
        /// The input.
        x: NodeId,
        /// The axis.
        axis: usize,
        /// The indices picked.
        indices: Vec<usize>,
    },
    /// A loss of `input` against `target` (targets get no gradient).
    Loss {
        /// The predictions, probabilities or logits.
        input: NodeId,
        /// The targets (class indices stored as numbers for index targets).
        target: NodeId,
        /// Which loss.
        kind: LossKind,
        /// How per-element losses combine.
        reduction: loss::Reduction,
    },
    /// PyTorch's `gather` along an axis.
    Gather {
        /// The input.
        x: NodeId,
        /// The axis.
        axis: usize,
        /// The indices, shaped like the output.
        indices: Vec<usize>,
    },
}

impl Op {
    /// A short name for tables and listings.
    pub fn name(&self) -> &'static str {
        match self {
            Op::Leaf => "leaf",
            Op::Unary { op, .. } => op.name(),
            Op::Binary { op, .. } => op.name(),
            Op::Activation { activation, .. } => activation.name(),
            Op::SwishLearned { .. } => "swish(learned β)",
            Op::MatMul { .. } => "matmul",
            Op::Linear { .. } => "linear",
            Op::Reduce { reduction, .. } => reduction.op.name(),
            Op::Softmax { .. } => "softmax",
            Op::LogSoftmax { .. } => "log_softmax",
            Op::Reshape { .. } => "reshape",
            Op::Permute { .. } => "permute",
            Op::Concat { .. } => "concat",
            Op::Narrow { .. } => "narrow",
            Op::IndexSelect { .. } => "index_select",
            Op::Gather { .. } => "gather",
            Op::Loss { kind, .. } => kind.name(),
        }
    }

    /// The ids of the inputs, in order.
    pub fn inputs(&self) -> SmallVec<[NodeId; 3]> {
        match self {
            Op::Leaf => SmallVec::new(),
            Op::Unary { x, .. }
            | Op::Activation { x, .. }
            | Op::Reduce { x, .. }
            | Op::Softmax { x, .. }
            | Op::LogSoftmax { x, .. }
            | Op::Reshape { x }
            | Op::Permute { x, .. }
            | Op::Narrow { x, .. }
            | Op::IndexSelect { x, .. }
            | Op::Gather { x, .. } => smallvec::smallvec![*x],
            Op::Binary { lhs, rhs, .. } | Op::MatMul { lhs, rhs } => {
                smallvec::smallvec![*lhs, *rhs]
            }
            Op::Loss { input, target, .. } => smallvec::smallvec![*input, *target],
            Op::SwishLearned { x, beta } => smallvec::smallvec![*x, *beta],
            Op::Linear { x, weight, bias } => {
                let mut ids: SmallVec<[NodeId; 3]> = smallvec::smallvec![*x, *weight];
                ids.extend(*bias);
                ids
            }
            Op::Concat { parts, .. } => parts.iter().copied().collect(),
        }
    }
}

/// One recorded operation: what produced it, its value, and whether a gradient flows to it.
#[derive(Clone, Debug)]
pub struct Node<T: Float> {
    /// The operation and its inputs.
    pub op: Op,
    /// The forward value.
    pub value: Tensor<T>,
    /// True when a parameter lies upstream, so a gradient flows here.
    pub requires_grad: bool,
    /// A name given by the user (`"w1"`, `"0.weight"`), for tables.
    pub label: Option<String>,
}

/// A record of operations, in the order they ran.
#[derive(Debug, Default)]
pub struct Tape<T: Float> {
    nodes: RefCell<Vec<Node<T>>>,
}

/// A handle to one value on a [`Tape`]. Copyable; operations on it record new nodes.
#[derive(Clone, Copy)]
pub struct Var<'t, T: Float> {
    tape: &'t Tape<T>,
    id: NodeId,
}

impl<T: Float> std::fmt::Debug for Var<'_, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Var({}, {:?})",
            self.id.0,
            self.tape.value(*self).shape()
        )
    }
}

/// The gradients of one backward pass: `∂root/∂node` for every node a gradient reached.
#[derive(Clone, Debug)]
pub struct Gradients<T: Float> {
    grads: Vec<Option<Tensor<T>>>,
}

impl<T: Float> Gradients<T> {
    /// The gradient with respect to `var`, or `None` when no gradient reached it.
    pub fn get(&self, var: Var<'_, T>) -> Option<&Tensor<T>> {
        self.get_id(var.id)
    }

    /// The gradient with respect to the node `id`.
    pub fn get_id(&self, id: NodeId) -> Option<&Tensor<T>> {
        self.grads.get(id.0).and_then(Option::as_ref)
    }

    /// Moves the gradient of `var` out of the store.
    pub fn take(&mut self, var: Var<'_, T>) -> Option<Tensor<T>> {
        self.grads.get_mut(var.id.0).and_then(Option::take)
    }
}

impl<T: Float> Tape<T> {
    /// An empty tape.
    pub fn new() -> Self {
        Self {
            nodes: RefCell::new(Vec::new()),
        }
    }

    /// Forgets every node, keeping the allocation for the next step.
    ///
    /// Every [`Var`] of this tape becomes invalid; the borrow checker sees to that.
    pub fn clear(&mut self) {
        self.nodes.get_mut().clear();
    }

    /// The number of nodes recorded.
    pub fn len(&self) -> usize {
        self.nodes.borrow().len()
    }

    /// True when nothing is recorded.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// A read-only view of every node, in recording order.
    pub fn nodes(&self) -> Ref<'_, [Node<T>]> {
        Ref::map(self.nodes.borrow(), Vec::as_slice)
    }

    /// The forward value of `var` (a cheap shared copy).
    pub fn value(&self, var: Var<'_, T>) -> Tensor<T> {
        self.nodes.borrow()[var.id.0].value.clone()
    }

    /// A leaf that gradients flow to: a parameter or an input being differentiated.
    pub fn param(&self, value: Tensor<T>) -> Var<'_, T> {
        self.push(Op::Leaf, value, true)
    }

    /// A named parameter; the name appears in tables.
    pub fn param_named(&self, value: Tensor<T>, label: impl Into<String>) -> Var<'_, T> {
        let var = self.param(value);
        self.nodes.borrow_mut()[var.id.0].label = Some(label.into());
        var
    }

    /// A leaf that needs no gradient: data, targets, masks.
    pub fn constant(&self, value: Tensor<T>) -> Var<'_, T> {
        self.push(Op::Leaf, value, false)
    }

    /// Gives `var` a name for tables.
    pub fn set_label(&self, var: Var<'_, T>, label: impl Into<String>) {
        self.nodes.borrow_mut()[var.id.0].label = Some(label.into());
    }

    fn push(&self, op: Op, value: Tensor<T>, requires_grad: bool) -> Var<'_, T> {
        let mut nodes = self.nodes.borrow_mut();
        let id = NodeId(nodes.len());
        nodes.push(Node {
            op,
            value,
            requires_grad,
            label: None,
        });
        Var { tape: self, id }
    }

    /// Records `op`, whose value `forward` computes from its inputs' values.
    fn record(
        &self,
        op: Op,
        forward: impl FnOnce(&[Node<T>]) -> Result<Tensor<T>>,
    ) -> Result<Var<'_, T>> {
        let (value, requires_grad) = {
            let nodes = self.nodes.borrow();
            let value = forward(&nodes)?;
            let requires_grad = op.inputs().iter().any(|id| nodes[id.0].requires_grad);
            (value, requires_grad)
        };
        Ok(self.push(op, value, requires_grad))
    }

    /// Runs the backward pass from `root`, a value with one element.
    ///
    /// # Errors
    /// [`Error::NonScalarBackward`] when `root` has more than one element.
    pub fn backward(&self, root: Var<'_, T>) -> Result<Gradients<T>> {
        let nodes = self.nodes.borrow();
        let root_value = &nodes[root.id.0].value;
        if root_value.numel() != 1 {
            return Err(Error::NonScalarBackward {
                shape: root_value.shape().to_vec(),
            });
        }
        let mut grads: Vec<Option<Tensor<T>>> = vec![None; root.id.0 + 1];
        grads[root.id.0] = Some(Tensor::ones(root_value.shape()));
        for index in (0..=root.id.0).rev() {
            let node = &nodes[index];
            if !node.requires_grad || matches!(node.op, Op::Leaf) {
                continue;
            }
            let Some(grad) = grads[index].clone() else {
                continue;
            };
            for (input, input_grad) in input_gradients(&nodes, node, &grad) {
                if !nodes[input.0].requires_grad {
                    continue;
                }
                accumulate(&mut grads[input.0], input_grad);
            }
        }
        Ok(Gradients { grads })
    }
}

fn accumulate<T: Float>(slot: &mut Option<Tensor<T>>, grad: Tensor<T>) {
    match slot {
        None => *slot = Some(grad),
        Some(existing) => {
            for (e, g) in existing.data_mut().iter_mut().zip(grad.data()) {
                *e += *g;
            }
        }
    }
}

/// The chain rule at one node: the gradient with respect to each input, from the gradient with
/// respect to the node's output. Each op's derivative lives beside its forward in `ops/`.
fn input_gradients<T: Float>(
    nodes: &[Node<T>],
    node: &Node<T>,
    grad: &Tensor<T>,
) -> SmallVec<[(NodeId, Tensor<T>); 3]> {
    let value = |id: &NodeId| &nodes[id.0].value;
    let needs = |id: &NodeId| nodes[id.0].requires_grad;
    let y = &node.value;
    match &node.op {
        Op::Leaf => SmallVec::new(),
        Op::Unary { x, op } => smallvec::smallvec![(*x, op.backward(value(x), y, grad))],
        Op::Binary { lhs, rhs, op } => {
            let (a, b) = (value(lhs), value(rhs));
            let (ga, gb) = match op {
                // Cheap cases: no per-element partials needed.
                BinaryOp::Add => (sum_to_shape(grad, a.shape()), sum_to_shape(grad, b.shape())),
                BinaryOp::Sub => (
                    sum_to_shape(grad, a.shape()),
                    sum_to_shape(&grad.neg(), b.shape()),
                ),
                _ => op.backward(a, b, grad),
            };
            smallvec::smallvec![(*lhs, ga), (*rhs, gb)]
        }
        Op::Activation { x, activation } => {
            let xv = value(x);
            let mut gx = buffer::for_overwrite(xv.numel());
            activation.backward(xv.data(), y.data(), grad.data(), &mut gx);
            smallvec::smallvec![(*x, Tensor::from_parts(gx, xv.shape()))]
        }
        Op::SwishLearned { x, beta } => {
            let (xv, b) = (value(x), value(beta).data()[0]);
            let swish = Activation::Swish { beta: b.to_f64() };
            let mut gx = buffer::for_overwrite(xv.numel());
            swish.backward(xv.data(), y.data(), grad.data(), &mut gx);
            let gb: T = xv
                .data()
                .iter()
                .zip(grad.data())
                .map(|(&xi, &gi)| gi * swish_beta_derivative(xi, b))
                .sum();
            let beta_shape = value(beta).shape();
            smallvec::smallvec![
                (*x, Tensor::from_parts(gx, xv.shape())),
                (*beta, Tensor::from_parts(vec![gb], beta_shape))
            ]
        }
        Op::MatMul { lhs, rhs } => {
            let wanted = Wanted {
                lhs: needs(lhs),
                rhs: needs(rhs),
            };
            let (ga, gb) = matmul::matmul_backward(value(lhs), value(rhs), grad, wanted);
            [(*lhs, ga), (*rhs, gb)]
                .into_iter()
                .filter_map(|(id, g)| Some((id, g?)))
                .collect()
        }
        Op::Linear { x, weight, bias } => {
            let wanted = Wanted {
                lhs: needs(x),
                rhs: needs(weight),
            };
            let g = matmul::linear_backward(value(x), value(weight), bias.is_some(), grad, wanted);
            [
                (Some(*x), g.input),
                (Some(*weight), g.weight),
                (*bias, g.bias),
            ]
            .into_iter()
            .filter_map(|(id, g)| Some((id?, g?)))
            .collect()
        }
        Op::Reduce { x, reduction } => {
            smallvec::smallvec![(*x, reduction.backward(value(x), y, grad))]
        }
        Op::Softmax { x, axis } => {
            smallvec::smallvec![(*x, softmax::softmax_backward(y, grad, *axis))]
        }
        Op::LogSoftmax { x, axis } => {
            smallvec::smallvec![(*x, softmax::log_softmax_backward(y, grad, *axis))]
        }
        Op::Reshape { x } => {
            smallvec::smallvec![(
                *x,
                grad.reshape(value(x).shape()).expect("same element count")
            )]
        }
        Op::Permute { x, perm } => {
            let back = grad
                .permute(&layout::inverse_permutation(perm))
                .expect("valid permutation");
            smallvec::smallvec![(*x, back)]
        }
        Op::Concat { parts, axis } => {
            let sizes: Vec<usize> = parts.iter().map(|p| value(p).shape()[*axis]).collect();
            let pieces = grad.split(&sizes, *axis).expect("sizes add up");
            parts.iter().copied().zip(pieces).collect()
        }
        Op::Narrow { x, axis, start } => {
            smallvec::smallvec![(
                *x,
                layout::narrow_backward(value(x).shape(), *axis, *start, grad)
            )]
        }
        Op::IndexSelect { x, axis, indices } => smallvec::smallvec![(
            *x,
            layout::index_select_backward(value(x).shape(), *axis, indices, grad)
        )],
        Op::Gather { x, axis, indices } => smallvec::smallvec![(
            *x,
            layout::gather_backward(value(x).shape(), *axis, indices, grad)
        )],
        Op::Loss {
            input,
            target,
            kind,
            reduction,
        } => {
            let x = value(input);
            let gx = kind
                .backward(x, value(target), *reduction, grad)
                .expect("shapes checked in forward");
            smallvec::smallvec![(*input, gx)]
        }
    }
}

/// Which loss a [`Op::Loss`] node computes (definitions in [`crate::loss`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum LossKind {
    /// Mean squared error.
    Mse,
    /// Binary cross-entropy on probabilities.
    Bce,
    /// Binary cross-entropy on logits.
    BceWithLogits,
    /// Softmax cross-entropy on logits `[batch, classes]` with one class index per row.
    CrossEntropyIndices,
    /// Softmax cross-entropy on logits with a non-negative target vector per row.
    CrossEntropySoft,
}

impl LossKind {
    /// The loss's name (`"mse"`, `"bce"`, `"bce_with_logits"`, `"cross_entropy"`).
    pub fn name(self) -> &'static str {
        match self {
            Self::Mse => "mse",
            Self::Bce => "bce",
            Self::BceWithLogits => "bce_with_logits",
            Self::CrossEntropyIndices | Self::CrossEntropySoft => "cross_entropy",
        }
    }

    /// The number of classes of a cross-entropy input (its last axis).
    fn classes<T: Float>(input: &Tensor<T>) -> usize {
        input.shape().last().copied().unwrap_or(1)
    }

    /// Class indices stored as numbers, checked to be whole and non-negative.
    fn indices<T: Float>(target: &Tensor<T>) -> Result<Vec<usize>> {
        target
            .data()
            .iter()
            .enumerate()
            .map(|(index, &v)| {
                let f = v.to_f64();
                if f >= 0.0 && f.fract() == 0.0 && f < usize::MAX as f64 {
                    Ok(f as usize)
                } else {
                    Err(Error::InvalidInput {
                        op: "cross_entropy",
                        index,
                        value: f,
                        expected: "a class index must be a whole number ≥ 0",
                    })
                }
            })
            .collect()
    }

    fn forward<T: Float>(
        self,
        input: &Tensor<T>,
        target: &Tensor<T>,
        reduction: loss::Reduction,
    ) -> Result<Tensor<T>> {
        let (x, t) = (input.data(), target.data());
        let values = match self {
            Self::Mse => loss::mse(x, t, reduction)?,
            Self::Bce => loss::bce(x, t, reduction)?,
            Self::BceWithLogits => loss::bce_with_logits(x, t, reduction)?,
            Self::CrossEntropyIndices => {
                let idx = Self::indices(target)?;
                loss::cross_entropy(
                    x,
                    Self::classes(input),
                    ClassTarget::Indices(&idx),
                    reduction,
                )?
            }
            Self::CrossEntropySoft => loss::cross_entropy(
                x,
                Self::classes(input),
                ClassTarget::Probabilities(t),
                reduction,
            )?,
        };
        let shape: Dims = match (reduction, self) {
            (loss::Reduction::None, Self::CrossEntropyIndices | Self::CrossEntropySoft) => {
                Dims::from_slice(&input.shape()[..input.rank().saturating_sub(1)])
            }
            (loss::Reduction::None, _) => Dims::from_slice(input.shape()),
            _ => Dims::new(),
        };
        Tensor::from_vec(values, &shape)
    }

    fn backward<T: Float>(
        self,
        input: &Tensor<T>,
        target: &Tensor<T>,
        reduction: loss::Reduction,
        grad: &Tensor<T>,
    ) -> Result<Tensor<T>> {
        let (x, t, g) = (input.data(), target.data(), grad.data());
        let mut gx = buffer::zeroed(x.len());
        match self {
            Self::Mse => loss::mse_backward(x, t, reduction, g, &mut gx)?,
            Self::Bce => loss::bce_backward(x, t, reduction, g, &mut gx)?,
            Self::BceWithLogits => loss::bce_with_logits_backward(x, t, reduction, g, &mut gx)?,
            Self::CrossEntropyIndices => {
                let idx = Self::indices(target)?;
                let classes = Self::classes(input);
                loss::cross_entropy_backward(
                    x,
                    classes,
                    ClassTarget::Indices(&idx),
                    reduction,
                    g,
                    &mut gx,
                )?;
            }
            Self::CrossEntropySoft => {
                let classes = Self::classes(input);
                loss::cross_entropy_backward(
                    x,
                    classes,
                    ClassTarget::Probabilities(t),
                    reduction,
                    g,
                    &mut gx,
                )?;
            }
        }
        Ok(Tensor::from_parts(gx, input.shape()))
    }
}

// The named arithmetic methods return `Result`; the operators (`+`, `*`, ...) panic instead.
#[allow(clippy::should_implement_trait)]
impl<'t, T: Float> Var<'t, T> {
    /// The loss of this value against `target` (see [`crate::loss`] for each definition).
    /// For [`LossKind::CrossEntropyIndices`] the target holds one class index per row.
    ///
    /// # Errors
    /// The loss's own errors: mismatched lengths, probabilities outside [0, 1], bad class indices.
    pub fn loss(self, target: Self, kind: LossKind, reduction: loss::Reduction) -> Result<Self> {
        let op = Op::Loss {
            input: self.id,
            target: target.id,
            kind,
            reduction,
        };
        self.tape.record(op, |n| {
            kind.forward(&n[self.id.0].value, &n[target.id.0].value, reduction)
        })
    }

    /// The node this handle points to.
    pub fn id(self) -> NodeId {
        self.id
    }

    /// The tape this value is recorded on.
    pub fn tape(self) -> &'t Tape<T> {
        self.tape
    }

    /// The forward value (a cheap shared copy).
    pub fn value(self) -> Tensor<T> {
        self.tape.value(self)
    }

    /// The shape of the forward value.
    pub fn shape(self) -> Dims {
        Dims::from_slice(self.tape.nodes.borrow()[self.id.0].value.shape())
    }

    /// The same value as a constant: no gradient flows back through it.
    pub fn detach(self) -> Self {
        self.tape.constant(self.value())
    }

    fn unary(self, op: UnaryOp) -> Self {
        self.tape
            .record(Op::Unary { x: self.id, op }, |n| {
                Ok(op.forward(&n[self.id.0].value))
            })
            .expect("elementwise ops cannot fail")
    }

    fn binary(self, other: Self, op: BinaryOp) -> Result<Self> {
        self.tape.record(
            Op::Binary {
                lhs: self.id,
                rhs: other.id,
                op,
            },
            |n| op.forward(&n[self.id.0].value, &n[other.id.0].value),
        )
    }

    /// `eˣ`.
    pub fn exp(self) -> Self {
        self.unary(UnaryOp::Exp)
    }
    /// `ln x`.
    pub fn log(self) -> Self {
        self.unary(UnaryOp::Log)
    }
    /// `√x`.
    pub fn sqrt(self) -> Self {
        self.unary(UnaryOp::Sqrt)
    }
    /// `|x|`.
    pub fn abs(self) -> Self {
        self.unary(UnaryOp::Abs)
    }
    /// `x^p`.
    pub fn powf(self, p: f64) -> Self {
        self.unary(UnaryOp::Powf(p))
    }
    /// `x` limited to `[min, max]`.
    pub fn clamp(self, min: f64, max: f64) -> Self {
        self.unary(UnaryOp::Clamp { min, max })
    }
    /// `x·c`.
    pub fn scale(self, c: f64) -> Self {
        self.unary(UnaryOp::Scale(c))
    }
    /// `x + c`.
    pub fn shift(self, c: f64) -> Self {
        self.unary(UnaryOp::Shift(c))
    }

    /// `a + b`, broadcasting.
    ///
    /// # Errors
    /// [`Error::ShapeMismatch`] when the shapes do not broadcast.
    pub fn add(self, other: Self) -> Result<Self> {
        self.binary(other, BinaryOp::Add)
    }
    /// `a − b`, broadcasting.
    ///
    /// # Errors
    /// [`Error::ShapeMismatch`] when the shapes do not broadcast.
    pub fn sub(self, other: Self) -> Result<Self> {
        self.binary(other, BinaryOp::Sub)
    }
    /// `a · b` elementwise, broadcasting.
    ///
    /// # Errors
    /// [`Error::ShapeMismatch`] when the shapes do not broadcast.
    pub fn mul(self, other: Self) -> Result<Self> {
        self.binary(other, BinaryOp::Mul)
    }
    /// `a / b` elementwise, broadcasting.
    ///
    /// # Errors
    /// [`Error::ShapeMismatch`] when the shapes do not broadcast.
    pub fn div(self, other: Self) -> Result<Self> {
        self.binary(other, BinaryOp::Div)
    }
    /// `max(a, b)` elementwise, broadcasting.
    ///
    /// # Errors
    /// [`Error::ShapeMismatch`] when the shapes do not broadcast.
    pub fn maximum(self, other: Self) -> Result<Self> {
        self.binary(other, BinaryOp::Maximum)
    }
    /// `min(a, b)` elementwise, broadcasting.
    ///
    /// # Errors
    /// [`Error::ShapeMismatch`] when the shapes do not broadcast.
    pub fn minimum(self, other: Self) -> Result<Self> {
        self.binary(other, BinaryOp::Minimum)
    }

    /// An activation function applied elementwise.
    pub fn activation(self, activation: Activation) -> Self {
        self.tape
            .record(
                Op::Activation {
                    x: self.id,
                    activation,
                },
                |n| {
                    let x = &n[self.id.0].value;
                    let mut out = buffer::for_overwrite(x.numel());
                    activation.forward(x.data(), &mut out);
                    Ok(Tensor::from_parts(out, x.shape()))
                },
            )
            .expect("activations cannot fail")
    }

    /// Swish `x·σ(βx)` with a learned β: `beta` is a one-element value whose gradient
    /// `Σ ∂J/∂y · x²σ(βx)(1 − σ(βx))` flows back.
    ///
    /// # Errors
    /// [`Error::ElementCount`] when `beta` has more than one element.
    pub fn swish_learned(self, beta: Self) -> Result<Self> {
        self.tape.record(
            Op::SwishLearned {
                x: self.id,
                beta: beta.id,
            },
            |n| {
                let b = n[beta.id.0].value.item().map_err(|_| Error::ElementCount {
                    op: "swish_learned",
                    len: n[beta.id.0].value.numel(),
                    shape: vec![1],
                })?;
                let x = &n[self.id.0].value;
                let mut out = buffer::for_overwrite(x.numel());
                Activation::Swish { beta: b.to_f64() }.forward(x.data(), &mut out);
                Ok(Tensor::from_parts(out, x.shape()))
            },
        )
    }

    /// The matrix product (see [`Tensor::matmul`]).
    ///
    /// # Errors
    /// [`Error::ShapeMismatch`] when the shapes do not fit.
    pub fn matmul(self, rhs: Self) -> Result<Self> {
        self.tape.record(
            Op::MatMul {
                lhs: self.id,
                rhs: rhs.id,
            },
            |n| n[self.id.0].value.matmul(&n[rhs.id.0].value),
        )
    }

    /// `x·Wᵀ + b` (see [`Tensor::linear`]).
    ///
    /// # Errors
    /// [`Error::ShapeMismatch`] when the shapes do not fit.
    pub fn linear(self, weight: Self, bias: Option<Self>) -> Result<Self> {
        let op = Op::Linear {
            x: self.id,
            weight: weight.id,
            bias: bias.map(|b| b.id),
        };
        self.tape.record(op, |n| {
            let b = bias.map(|b| &n[b.id.0].value);
            n[self.id.0].value.linear(&n[weight.id.0].value, b)
        })
    }

    fn reduce(self, op: ReduceOp, axis: Option<usize>, keepdim: bool) -> Result<Self> {
        let reduction = AxisReduction { op, axis, keepdim };
        self.tape.record(
            Op::Reduce {
                x: self.id,
                reduction,
            },
            |n| reduction.forward(&n[self.id.0].value),
        )
    }

    /// The sum along `axis` (all elements when `None`).
    ///
    /// # Errors
    /// [`Error::AxisOutOfRange`] for a bad axis.
    pub fn sum(self, axis: Option<usize>, keepdim: bool) -> Result<Self> {
        self.reduce(ReduceOp::Sum, axis, keepdim)
    }
    /// The mean along `axis` (all elements when `None`).
    ///
    /// # Errors
    /// [`Error::AxisOutOfRange`] for a bad axis.
    pub fn mean(self, axis: Option<usize>, keepdim: bool) -> Result<Self> {
        self.reduce(ReduceOp::Mean, axis, keepdim)
    }
    /// The maximum along `axis` (all elements when `None`).
    ///
    /// # Errors
    /// [`Error::AxisOutOfRange`] for a bad axis.
    pub fn max(self, axis: Option<usize>, keepdim: bool) -> Result<Self> {
        self.reduce(ReduceOp::Max, axis, keepdim)
    }
    /// The minimum along `axis` (all elements when `None`).
    ///
    /// # Errors
    /// [`Error::AxisOutOfRange`] for a bad axis.
    pub fn min(self, axis: Option<usize>, keepdim: bool) -> Result<Self> {
        self.reduce(ReduceOp::Min, axis, keepdim)
    }
    /// `log Σ exp` along `axis` (all elements when `None`).
    ///
    /// # Errors
    /// [`Error::AxisOutOfRange`] for a bad axis.
    pub fn logsumexp(self, axis: Option<usize>, keepdim: bool) -> Result<Self> {
        self.reduce(ReduceOp::LogSumExp, axis, keepdim)
    }

    /// Softmax along `axis`.
    ///
    /// # Errors
    /// [`Error::AxisOutOfRange`] for a bad axis.
    pub fn softmax(self, axis: usize) -> Result<Self> {
        self.tape.record(Op::Softmax { x: self.id, axis }, |n| {
            n[self.id.0].value.softmax(axis)
        })
    }

    /// Log-softmax along `axis`.
    ///
    /// # Errors
    /// [`Error::AxisOutOfRange`] for a bad axis.
    pub fn log_softmax(self, axis: usize) -> Result<Self> {
        self.tape.record(Op::LogSoftmax { x: self.id, axis }, |n| {
            n[self.id.0].value.log_softmax(axis)
        })
    }

    /// The same elements with another shape.
    ///
    /// # Errors
    /// [`Error::ElementCount`] when the element counts differ.
    pub fn reshape(self, shape: &[usize]) -> Result<Self> {
        self.tape.record(Op::Reshape { x: self.id }, |n| {
            n[self.id.0].value.reshape(shape)
        })
    }

    /// Axes reordered (see [`Tensor::permute`]).
    ///
    /// # Errors
    /// [`Error::ShapeMismatch`] when `perm` is not a permutation.
    pub fn permute(self, perm: &[usize]) -> Result<Self> {
        let op = Op::Permute {
            x: self.id,
            perm: Dims::from_slice(perm),
        };
        self.tape.record(op, |n| n[self.id.0].value.permute(perm))
    }

    /// Axes `a` and `b` swapped.
    ///
    /// # Errors
    /// [`Error::AxisOutOfRange`] for a bad axis.
    pub fn transpose(self, a: usize, b: usize) -> Result<Self> {
        let rank = self.shape().len();
        crate::shape::check_axis("transpose", a, rank)?;
        crate::shape::check_axis("transpose", b, rank)?;
        let mut perm: Dims = (0..rank).collect();
        perm.swap(a, b);
        self.permute(&perm)
    }

    /// Values joined along `axis` (see [`Tensor::concat`]).
    ///
    /// # Errors
    /// [`Error::ShapeMismatch`] when the other axes differ.
    pub fn concat(parts: &[Self], axis: usize) -> Result<Self> {
        let first = parts.first().ok_or(Error::ElementCount {
            op: "concat",
            len: 0,
            shape: vec![],
        })?;
        let op = Op::Concat {
            parts: parts.iter().map(|p| p.id).collect(),
            axis,
        };
        first.tape.record(op, |n| {
            let values: Vec<&Tensor<T>> = parts.iter().map(|p| &n[p.id.0].value).collect();
            Tensor::concat(&values, axis)
        })
    }

    /// The slice `start..start + len` along `axis`.
    ///
    /// # Errors
    /// [`Error::IndexOutOfRange`] when the slice does not fit.
    pub fn narrow(self, axis: usize, start: usize, len: usize) -> Result<Self> {
        self.tape.record(
            Op::Narrow {
                x: self.id,
                axis,
                start,
            },
            |n| n[self.id.0].value.narrow(axis, start, len),
        )
    }

    /// Consecutive pieces along `axis` with the given sizes.
    ///
    /// # Errors
    /// [`Error::ShapeMismatch`] when the sizes do not add up to the axis.
    pub fn split(self, sizes: &[usize], axis: usize) -> Result<Vec<Self>> {
        let shape = self.shape();
        crate::shape::check_axis("split", axis, shape.len())?;
        if sizes.iter().sum::<usize>() != shape[axis] {
            return Err(Error::ShapeMismatch {
                op: "split",
                lhs: shape.to_vec(),
                rhs: sizes.to_vec(),
            });
        }
        let mut start = 0;
        sizes
            .iter()
            .map(|&len| {
                let piece = self.narrow(axis, start, len);
                start += len;
                piece
            })
            .collect()
    }

    /// Entries at `indices` along `axis`.
    ///
    /// # Errors
    /// [`Error::IndexOutOfRange`] for a bad index.
    pub fn index_select(self, axis: usize, indices: &[usize]) -> Result<Self> {
        let op = Op::IndexSelect {
            x: self.id,
            axis,
            indices: indices.to_vec(),
        };
        self.tape
            .record(op, |n| n[self.id.0].value.index_select(axis, indices))
    }

    /// PyTorch's `gather` (see [`Tensor::gather`]).
    ///
    /// # Errors
    /// [`Error::ShapeMismatch`] or [`Error::IndexOutOfRange`] for bad indices.
    pub fn gather(self, axis: usize, indices: &[usize], index_shape: &[usize]) -> Result<Self> {
        let op = Op::Gather {
            x: self.id,
            axis,
            indices: indices.to_vec(),
        };
        self.tape.record(op, |n| {
            n[self.id.0].value.gather(axis, indices, index_shape)
        })
    }
}

macro_rules! operator {
    ($trait:ident, $method:ident, $op:ident) => {
        impl<'t, T: Float> std::ops::$trait for Var<'t, T> {
            type Output = Var<'t, T>;

            /// # Panics
            /// When the shapes do not broadcast; the named method returns the error instead.
            #[track_caller]
            fn $method(self, rhs: Self) -> Self::Output {
                match self.binary(rhs, BinaryOp::$op) {
                    Ok(v) => v,
                    Err(e) => panic!("{e}"),
                }
            }
        }
    };
}

operator!(Add, add, Add);
operator!(Sub, sub, Sub);
operator!(Mul, mul, Mul);
operator!(Div, div, Div);

impl<'t, T: Float> std::ops::Neg for Var<'t, T> {
    type Output = Var<'t, T>;
    fn neg(self) -> Self::Output {
        self.unary(UnaryOp::Neg)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gradients_accumulate_over_every_use() {
        let tape = Tape::<f64>::new();
        let x = tape.param(Tensor::scalar(3.0));
        // y = x·x + x  →  dy/dx = 2x + 1 = 7
        let y = x * x + x;
        let grads = tape.backward(y).unwrap();
        assert_eq!(grads.get(x).unwrap().item().unwrap(), 7.0);
    }

    #[test]
    fn constants_and_detached_values_get_no_gradient() {
        let tape = Tape::<f64>::new();
        let x = tape.param(Tensor::scalar(2.0));
        let c = tape.constant(Tensor::scalar(5.0));
        let d = (x * x).detach();
        let y = x * c + d;
        let grads = tape.backward(y).unwrap();
        assert_eq!(grads.get(x).unwrap().item().unwrap(), 5.0);
        assert!(grads.get(c).is_none());
        assert!(grads.get(d).is_none());
    }

    #[test]
    fn backward_needs_a_scalar() {
        let tape = Tape::<f64>::new();
        let x = tape.param(Tensor::zeros(&[2]));
        assert!(matches!(
            tape.backward(x * x),
            Err(Error::NonScalarBackward { .. })
        ));
    }

    #[test]
    fn the_graph_is_inspectable() {
        let tape = Tape::<f64>::new();
        let w = tape.param_named(Tensor::scalar(0.5), "w1");
        let x = tape.constant(Tensor::scalar(4.0));
        let net = w * x;
        let out = net.activation(Activation::Sigmoid);
        let grads = tape.backward(out).unwrap();
        let nodes = tape.nodes();
        assert_eq!(nodes[net.id().index()].op.name(), "mul");
        assert_eq!(
            nodes[net.id().index()].op.inputs().as_slice(),
            &[w.id(), x.id()]
        );
        assert_eq!(nodes[w.id().index()].label.as_deref(), Some("w1"));
        let s = 1.0 / (1.0 + (-2.0f64).exp());
        assert!((grads.get(net).unwrap().item().unwrap() - s * (1.0 - s)).abs() < 1e-15);
    }
}

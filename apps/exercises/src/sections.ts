/** The d2l sections of the CNN chapter that the app covers, in the book's order, then the next chapter's networks. */
export const SECTIONS = [
  {
    id: 'conv-layer',
    title: 'Convolutions for Images',
    url: 'https://d2l.ai/chapter_convolutional-neural-networks/conv-layer.html',
  },
  {
    id: 'padding-and-strides',
    title: 'Padding and Stride',
    url: 'https://d2l.ai/chapter_convolutional-neural-networks/padding-and-strides.html',
  },
  {
    id: 'channels',
    title: 'Multiple Input and Multiple Output Channels',
    url: 'https://d2l.ai/chapter_convolutional-neural-networks/channels.html',
  },
  {
    id: 'pooling',
    title: 'Pooling',
    url: 'https://d2l.ai/chapter_convolutional-neural-networks/pooling.html',
  },
  {
    id: 'lenet',
    title: 'Convolutional Neural Networks (LeNet)',
    url: 'https://d2l.ai/chapter_convolutional-neural-networks/lenet.html',
  },
  {
    id: 'modern-cnns',
    title: 'Modern Convolutional Neural Networks (the next chapter, with @torchlet/vision)',
    url: 'https://d2l.ai/chapter_convolutional-modern/index.html',
  },
] as const;

/** The id of a section of {@link SECTIONS}. */
export type SectionId = (typeof SECTIONS)[number]['id'];

/** The section with this id. */
export function sectionOf(id: SectionId): (typeof SECTIONS)[number] {
  return SECTIONS.find((s) => s.id === id) as (typeof SECTIONS)[number];
}

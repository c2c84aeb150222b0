// /api/categories: product categories that tracking numbers and skills point at.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { NotFound } from '../../errors.js'
import { requireRole } from '../auth.js'
import { CategoryList, CategoryParams, CategoryPatchBody, CategoryView, NewCategoryBody } from '../schemas/categories.js'
import { authErrors, ErrorBody } from '../schemas/common.js'

const routes: FastifyPluginAsyncTypebox = async (app) => {
  const { catalog } = app.services

  app.get('/categories', {
    onRequest: requireRole('supervisor'),
    schema: { response: { 200: CategoryList, ...authErrors } }
  }, async () => ({ categories: catalog.listCategories() }))

  app.get('/categories/:categoryId', {
    onRequest: requireRole('supervisor'),
    schema: { params: CategoryParams, response: { 200: CategoryView, 404: ErrorBody, ...authErrors } }
  }, async (req) => {
    const category = catalog.getCategory(req.params.categoryId)
    if (category === undefined) throw new NotFound('category', req.params.categoryId)
    return category
  })

  app.post('/categories', {
    onRequest: requireRole('admin'),
    schema: { body: NewCategoryBody, response: { 201: CategoryView, 409: ErrorBody, ...authErrors } }
  }, async (req, reply) => reply.status(201).send(catalog.createCategory(req.body)))

  app.patch('/categories/:categoryId', {
    onRequest: requireRole('admin'),
    schema: { params: CategoryParams, body: CategoryPatchBody, response: { 200: CategoryView, 404: ErrorBody, ...authErrors } }
  }, async (req) => catalog.updateCategory(req.params.categoryId, req.body))

  app.delete('/categories/:categoryId', {
    onRequest: requireRole('admin'),
    schema: { params: CategoryParams, response: { 204: Type.Null(), 404: ErrorBody, 409: ErrorBody, ...authErrors } }
  }, async (req, reply) => {
    catalog.deleteCategory(req.params.categoryId)
    return reply.status(204).send(null)
  })
}

export default routes
